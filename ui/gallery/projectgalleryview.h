#pragma once
// The projects page: every project the account can see as a card (latest picture, name, owner,
// session count, shared and pending marks), read from the cache and updated row by row, with the
// project actions (new, rename, share, members, delete) for menus, the context menu and the keyboard.
// Enter or a double-click opens a project.
#include "client/thumbnails/thumbnailcache.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QModelIndex;

namespace vesper::client {
class ProjectListModel;
} // namespace vesper::client

namespace vesper::ui {

class GalleryGrid;
class ProjectCardDelegate;
class ThumbnailBinder;
class UiContext;

class ProjectGalleryView : public QWidget {
    Q_OBJECT
public:
    explicit ProjectGalleryView(UiContext *ctx, QWidget *parent = nullptr);
    ~ProjectGalleryView() override;

    /// The project of the current card (empty when none).
    QString currentProjectId() const;
    /// Makes a project's card current and scrolls to it (when loaded).
    void selectProject(const QString &id);
    /// New project (Ctrl+Shift+N), Rename (F2), Share (checkable), Members…, Delete — for the menus.
    QList<QAction *> actions() const;
    /// Picture edge in pixels (96..512).
    /// The window's zoom actions (View ▸ Bigger/Smaller thumbnails) replace the view's own Ctrl+= and
    /// Ctrl+- ones: one action per key in the window, or neither key would trigger. The context menu
    /// lists these from then on.
    void useZoomActions(QAction *bigger, QAction *smaller);
    void setThumbnailSize(int px);
    int thumbnailSize() const;

    /// Uses cache instead of the workspace's thumbnails (tests); null: the workspace's.
    void setThumbnailCache(client::ThumbnailCache *cache);
    client::ProjectListModel *model() const { return m_model; }
    GalleryGrid *grid() const { return m_grid; }
    ThumbnailBinder *binder() const { return m_binder; }

Q_SIGNALS:
    void projectActivated(const QString &projectId);
    void thumbnailSizeChanged(int px);

private:
    void rebuildModel();
    /// Rebinds the model to the new workspace's cache when it is the same cache; else rebuilds.
    void workspaceChanged();
    void applyCache();
    void updateActions();
    void newProject();
    void renameProject();
    void setShared(bool shared);
    void showMembers();
    void deleteProject();
    void showContextMenu(const QPoint &pos);
    bool isOwnerOfCurrent() const;
    UiContext *m_ctx;
    GalleryGrid *m_grid;
    ProjectCardDelegate *m_delegate;
    ThumbnailBinder *m_binder;
    client::ProjectListModel *m_model = nullptr;
    QPointer<client::ThumbnailCache> m_cacheOverride;
    QString m_selectWhenArrives; // a project just created: selected when its row appears
    QString m_followLocalId;     // the current card's placeholder id, until the server's id is known
    QAction *m_new;
    QAction *m_rename;
    QAction *m_share;
    QAction *m_members;
    QAction *m_delete;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
};

} // namespace vesper::ui
