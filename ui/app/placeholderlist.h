#pragma once
// The stand-in for the gallery views until they are installed into the MainWindow: a plain list
// of the cache's projects (or of one project's sessions, or generations' prompts), refreshed on
// cache changes. It keeps the shell usable and testable on its own; the real views replace it.
#include <QListWidget>

namespace vesper::ui {

class UiContext;

class PlaceholderList : public QListWidget {
    Q_OBJECT
public:
    enum class Kind { Projects, Sessions, Generations };
    PlaceholderList(Kind kind, UiContext *context, QWidget *parent = nullptr);
    /// The project (Sessions) or session (Generations) whose rows are listed.
    void setParentId(const QString &id);
    void reload();

Q_SIGNALS:
    void rowActivated(const QString &id);

private:
    Kind m_kind;
    UiContext *m_context;
    QString m_parentId;
};

} // namespace vesper::ui
