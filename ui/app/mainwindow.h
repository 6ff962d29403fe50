#pragma once
// The app's one window: three pages in a stack (projects; a session with its side list, gallery and
// prompt bar; the viewer), the Assistant dock on the right, menus, the search field, the banner and
// the status bar. It owns the UiContext and the ConnectionManager. The views come from their own
// folders and are put in through installViews(); until then each page holds a simple placeholder
// over the cache, so the shell runs (and is tested) on its own.
#include "ui/app/locallibrary.h"

#include <QList>
#include <QMainWindow>
#include <QTimer>
#include <optional>

class QAction;
class QDockWidget;
class QLineEdit;
class QMenu;
class QSplitter;
class QStackedWidget;
class QVBoxLayout;

namespace vesper::ui {

class Banner;
class ConnectionManager;
class StatusIndicator;
class UiContext;

/// The views MainWindow shows; any left null keeps its placeholder.
struct MainWindowViews {
    QWidget *projects = nullptr;       // ProjectGalleryView: the projects page
    QWidget *sessions = nullptr;       // SessionPanel: left side of the session page
    QWidget *sessionGallery = nullptr; // SessionGalleryView: right side of the session page
    QWidget *promptBar = nullptr;      // PromptBar: below the session gallery
    QWidget *viewer = nullptr;         // ViewerView: the viewer page (it handles its own Esc: closed())
    QList<QAction *> projectActions;   // ProjectGalleryView::actions(): replace File ▸ New project
    QList<QAction *> sessionActions;   // SessionPanel::actions(): replace File ▸ New session; the Session menu
    QList<QAction *> extraActions;     // e.g. PromptBar::generateAction(): in the Session menu after New session
    QList<QAction *> imageActions;     // the viewer's: the Image menu (a null entry is a separator)
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Projects = 0, Session = 1, Viewer = 2 };
    Q_ENUM(Page)

    /// local: the library main serves (nullopt with --server/--offline). Nothing opens until
    /// connections()->openLast() / openServer() is called.
    explicit MainWindow(std::optional<LocalLibrary> local, QWidget *parent = nullptr);
    ~MainWindow() override;

    UiContext *context() const { return m_context; }
    ConnectionManager *connections() const { return m_connections; }
    Banner *banner() const { return m_banner; }
    StatusIndicator *statusIndicator() const { return m_status; }
    QLineEdit *searchField() const { return m_search; }
    QDockWidget *assistantDock() const { return m_assistant; }

    /// Puts the real views in place of the placeholders (the window takes ownership) and restores
    /// the session page's splitter. Call once, after construction.
    void installViews(const MainWindowViews &views);

    Page currentPage() const;
    /// Shows a page; the one left is remembered for goBack().
    void showPage(Page page);
    /// Esc: viewer → session → projects.
    void goBack();

    /// Remembers the open project and session (restored at the next start).
    void rememberPlace(const QString &projectId, const QString &sessionId);
    QString lastProjectId() const { return m_projectId; }
    QString lastSessionId() const { return m_sessionId; }

    int thumbnailSize() const { return m_thumbnailSize; }
    /// View ▸ Bigger / Smaller thumbnails (Ctrl+=, Ctrl+-): the one pair of zoom keys in the window;
    /// the galleries put these in their context menus instead of their own.
    QAction *biggerThumbnailsAction() const { return m_bigger; }
    QAction *smallerThumbnailsAction() const { return m_smaller; }
    /// The Session and Image menus (filled by installViews).
    QMenu *sessionMenu() const { return m_sessionMenu; }
    QMenu *imageMenu() const { return m_imageMenu; }
    /// Clamped to 64..512 in steps of 32; thumbnailSizeChanged follows.
    void setThumbnailSize(int px);

Q_SIGNALS:
    /// The first paint of a gallery page with a workspace open (--screenshot waits for it).
    void firstGalleryPainted();
    /// The search field's text, debounced (wire to SessionGalleryView::showSearch).
    void searchRequested(const QString &text);
    void thumbnailSizeChanged(int px);
    void pageChanged(vesper::ui::MainWindow::Page page);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void createMenus();
    void createToolBar();
    void createPages();
    void restoreState();
    void saveState();
    void newProject();
    void newSession();
    void openConnectDialog(const QString &serverUrl = {}, const QString &email = {});
    void openSettings();
    void openOutboxDialog();
    void updateTitle();
    void replacePage(Page page, QWidget *widget);
    void watchPaints(QWidget *view);
    void triggerOnFocus(const char *method);

    UiContext *m_context;
    ConnectionManager *m_connections;
    Banner *m_banner;
    StatusIndicator *m_status;
    QStackedWidget *m_pages;
    QSplitter *m_sessionSplitter;
    QSplitter *m_galleryAndPrompt;
    QDockWidget *m_assistant;
    QLineEdit *m_search;
    QTimer m_searchDebounce;
    QAction *m_newProject = nullptr;
    QAction *m_newSession = nullptr;
    QAction *m_back = nullptr;
    QAction *m_bigger = nullptr;
    QAction *m_smaller = nullptr;
    QMenu *m_sessionMenu = nullptr;
    QMenu *m_imageMenu = nullptr;
    QList<Page> m_history;
    QString m_projectId;
    QString m_sessionId;
    int m_thumbnailSize = 192;
    bool m_viewerInstalled = false;
    bool m_galleryPainted = false;
};

} // namespace vesper::ui
