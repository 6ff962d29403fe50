#pragma once
// The session list beside the gallery: a project's sessions oldest first, read from the cache and
// updated row by row so the selected session stays selected through syncs, with the session actions
// (new, rename, private, delete) for menus, the context menu and the keyboard.
#include <QWidget>

class QAction;
class QLabel;
class QListView;

namespace vesper::client {
class SessionListModel;
}

namespace vesper::ui {

class UiContext;

class SessionPanel : public QWidget {
    Q_OBJECT
public:
    explicit SessionPanel(UiContext *ctx, QWidget *parent = nullptr);
    ~SessionPanel() override;

    /// Lists the sessions of a project (empty: none).
    void setProject(const QString &projectId);
    QString projectId() const { return m_projectId; }
    /// The selected session (empty when none).
    QString currentSessionId() const;
    /// Selects a session (emits sessionSelected when it changes).
    void selectSession(const QString &id);
    /// New session (Ctrl+N), Rename (F2), Private (checkable, owner only), Delete — for the menus.
    QList<QAction *> actions() const;
    client::SessionListModel *model() const { return m_model; }
    QListView *list() const { return m_list; }

Q_SIGNALS:
    void sessionSelected(const QString &sessionId);

private:
    void rebuildModel();
    /// Rebinds the model to the new workspace's cache when it is the same cache; else rebuilds.
    void workspaceChanged();
    void updateActions();
    void updateHint();
    void newSession();
    void renameSession();
    void setPrivate(bool isPrivate);
    void deleteSession();
    void showContextMenu(const QPoint &pos);
    bool ownsProject() const;
    UiContext *m_ctx;
    QListView *m_list;
    QLabel *m_hint;
    client::SessionListModel *m_model = nullptr;
    QString m_projectId;
    QString m_selectWhenArrives;
    QString m_followLocalId; // the selected placeholder's id, until the server's id is known
    QString m_lastEmitted;
    QAction *m_new;
    QAction *m_rename;
    QAction *m_private;
    QAction *m_delete;
};

} // namespace vesper::ui
