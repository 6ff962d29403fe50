#include "ui/app/mainwindow.h"

#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "ui/app/banner.h"
#include "ui/app/connectdialog.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/generationnotifier.h"
#include "ui/app/invitationwatcher.h"
#include "ui/app/outboxdialog.h"
#include "ui/app/placeholderlist.h"
#include "ui/app/statusindicator.h"
#include "ui/app/uicontext.h"
#include "ui/settings/settingsdialog.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace vesper::ui {

MainWindow::MainWindow(std::optional<LocalLibrary> local, QWidget *parent)
    : QMainWindow(parent)
    , m_context(new UiContext(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    m_connections = new ConnectionManager(m_context, std::move(local), this);
    resize(1280, 820);

    auto *central = new QWidget(this);
    auto *column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    m_banner = new Banner(central);
    m_banner->attach(m_context);
    m_pages = new QStackedWidget(central);
    column->addWidget(m_banner);
    column->addWidget(m_pages, 1);
    setCentralWidget(central);
    createPages();

    m_assistant = new QDockWidget(tr("Assistant"), this);
    m_assistant->setObjectName(QStringLiteral("assistantDock"));
    auto *placeholder = new QLabel(tr("The assistant arrives with its own issue."), m_assistant);
    placeholder->setAlignment(Qt::AlignCenter);
    placeholder->setWordWrap(true);
    placeholder->setMargin(16);
    placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_assistant->setWidget(placeholder);
    addDockWidget(Qt::RightDockWidgetArea, m_assistant);
    m_assistant->hide();

    m_status = new StatusIndicator(m_context, this);
    statusBar()->addPermanentWidget(m_status, 1);
    connect(m_status, &StatusIndicator::failedWritesClicked, this, &MainWindow::openOutboxDialog);
    connect(m_connections, &ConnectionManager::connectionNote, m_status, &StatusIndicator::setConnectionNote);
    connect(m_connections, &ConnectionManager::prefetchProgress, this, [this](int done, int total) {
        m_status->setTaskProgress(tr("Making the project available offline"), done, total);
    });
    connect(m_connections, &ConnectionManager::prefetchFinished, this, [this](int images, int fullSize, int failed, const QString &error) {
        m_status->setTaskProgress({}, 0, 0);
        if (error.isEmpty() && fullSize == images)
            m_context->reportInfo(tr("%n picture(s) are available offline at full size.", nullptr, images));
        else if (error.isEmpty())
            m_context->reportInfo(tr("%n picture(s) are available offline; the newest %1 at full size, as many as half the "
                                     "picture cache holds.", nullptr, images).arg(fullSize));
        else
            m_context->report(UiContext::Severity::Warning, tr("%n picture(s) could not be made available offline.", nullptr, failed), error);
    });
    connect(m_connections, &ConnectionManager::signInRequired, this, [this](const QString &url, const QString &email) {
        m_context->report(UiContext::Severity::Warning, tr("Sign in to %1 to continue.").arg(url),
                          tr("The cache stays readable meanwhile."));
        openConnectDialog(url, email);
    });
    connect(m_connections, &ConnectionManager::connected, this, &MainWindow::updateTitle);
    new GenerationNotifier(m_context, this);
    new InvitationWatcher(m_context, this);

    createToolBar();
    createMenus();
    m_searchDebounce.setSingleShot(true);
    m_searchDebounce.setInterval(250);
    connect(&m_searchDebounce, &QTimer::timeout, this, [this] {
        if (!m_search->text().isEmpty() && currentPage() == Page::Projects)
            showPage(Page::Session);
        Q_EMIT searchRequested(m_search->text());
    });
    connect(m_search, &QLineEdit::textChanged, &m_searchDebounce, qOverload<>(&QTimer::start));
    restoreState();
    updateTitle();
}

MainWindow::~MainWindow()
{
    // The workspace goes before the context that points at it (children die in creation order).
    delete m_connections;
    m_connections = nullptr;
}

void MainWindow::createPages()
{
    auto *projects = new PlaceholderList(PlaceholderList::Kind::Projects, m_context);
    auto *sessions = new PlaceholderList(PlaceholderList::Kind::Sessions, m_context);
    auto *generations = new PlaceholderList(PlaceholderList::Kind::Generations, m_context);
    // Guarded: installViews() may replace one placeholder and keep another.
    connect(projects, &PlaceholderList::rowActivated, this, [this, sessions = QPointer<PlaceholderList>(sessions)](const QString &id) {
        rememberPlace(id, {});
        if (sessions)
            sessions->setParentId(id);
        showPage(Page::Session);
    });
    connect(sessions, &PlaceholderList::rowActivated, this, [this, generations = QPointer<PlaceholderList>(generations)](const QString &id) {
        rememberPlace(m_projectId, id);
        if (generations)
            generations->setParentId(id);
    });
    sessions->setParentId(QSettings().value(QStringLiteral("place/projectId")).toString());
    generations->setParentId(QSettings().value(QStringLiteral("place/sessionId")).toString());

    m_galleryAndPrompt = new QSplitter(Qt::Vertical);
    m_galleryAndPrompt->setObjectName(QStringLiteral("galleryAndPrompt"));
    m_galleryAndPrompt->addWidget(generations);
    auto *prompt = new QLabel(tr("The prompt bar goes here."));
    prompt->setAlignment(Qt::AlignCenter);
    prompt->setForegroundRole(QPalette::PlaceholderText);
    m_galleryAndPrompt->addWidget(prompt);
    m_galleryAndPrompt->setStretchFactor(0, 1);
    m_sessionSplitter = new QSplitter(Qt::Horizontal);
    m_sessionSplitter->setObjectName(QStringLiteral("sessionSplitter"));
    m_sessionSplitter->addWidget(sessions);
    m_sessionSplitter->addWidget(m_galleryAndPrompt);
    m_sessionSplitter->setStretchFactor(1, 1);
    m_sessionSplitter->setSizes({240, 1000});

    auto *viewer = new QLabel(tr("The viewer goes here."));
    viewer->setAlignment(Qt::AlignCenter);
    m_pages->addWidget(projects);
    m_pages->addWidget(m_sessionSplitter);
    m_pages->addWidget(viewer);
    for (int i = 0; i < m_pages->count(); ++i)
        m_pages->widget(i)->installEventFilter(this);
    projects->viewport()->installEventFilter(this);
    generations->viewport()->installEventFilter(this);
}

void MainWindow::replacePage(Page page, QWidget *widget)
{
    QWidget *old = m_pages->widget(int(page));
    m_pages->insertWidget(int(page), widget);
    m_pages->removeWidget(old);
    old->deleteLater();
    watchPaints(widget);
}

void MainWindow::watchPaints(QWidget *view)
{
    // A grid's viewport is opaque and covers its view, which then gets no paint event of its own.
    view->installEventFilter(this);
    for (QAbstractScrollArea *area : view->findChildren<QAbstractScrollArea *>())
        area->viewport()->installEventFilter(this);
}

void MainWindow::installViews(const MainWindowViews &views)
{
    const Page page = currentPage();
    if (views.projects)
        replacePage(Page::Projects, views.projects);
    if (views.sessions) {
        QWidget *old = m_sessionSplitter->replaceWidget(0, views.sessions);
        old->deleteLater();
    }
    if (views.sessionGallery) {
        QWidget *old = m_galleryAndPrompt->replaceWidget(0, views.sessionGallery);
        old->deleteLater();
        watchPaints(views.sessionGallery);
    }
    if (views.promptBar) {
        QWidget *old = m_galleryAndPrompt->replaceWidget(1, views.promptBar);
        old->deleteLater();
        // The pictures get the height; the bar keeps what it needs (the user may drag it taller).
        views.promptBar->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Maximum);
        m_galleryAndPrompt->setStretchFactor(0, 1);
        m_galleryAndPrompt->setStretchFactor(1, 0);
        m_galleryAndPrompt->setCollapsible(1, false);
        m_galleryAndPrompt->setSizes({4000, views.promptBar->sizeHint().height()});
    }
    // A stretch factor lives in the widget's size policy: the replaced views need theirs again, or
    // the prompt bar takes half the page. The gallery grows; the side list and prompt bar keep their size.
    m_galleryAndPrompt->setStretchFactor(0, 1);
    m_galleryAndPrompt->setStretchFactor(1, 0);
    m_sessionSplitter->setStretchFactor(0, 0);
    m_sessionSplitter->setStretchFactor(1, 1);
    if (views.viewer) {
        replacePage(Page::Viewer, views.viewer);
        // The viewer has no grid: its picture and panel are what paint first.
        for (QWidget *child : views.viewer->findChildren<QWidget *>())
            child->installEventFilter(this);
        m_viewerInstalled = true;
    }
    const auto swapActions = [this](QAction *builtIn, const QList<QAction *> &actions) {
        if (actions.isEmpty())
            return;
        builtIn->setVisible(false);
        builtIn->setEnabled(false); // its shortcut goes to the view's own action
        for (QObject *o : builtIn->associatedObjects())
            if (auto *w = qobject_cast<QWidget *>(o); w && w != this)
                w->insertActions(builtIn, actions);
        // Window-wide shortcuts (New project, New session) work from every page. The others (F2,
        // Delete) belong to their view: on the window they would clash with the viewer's Delete.
        for (QAction *action : actions)
            if (action->shortcutContext() == Qt::WindowShortcut || action->shortcutContext() == Qt::ApplicationShortcut)
                addAction(action);
    };
    swapActions(m_newProject, views.projectActions);
    swapActions(m_newSession, views.sessionActions);
    addActions(views.extraActions);
    // Session: New session, Generate, then the rest of the session's actions. The same QAction
    // objects as elsewhere, so a key is never held twice.
    if (!views.extraActions.isEmpty()) {
        QAction *before = nullptr;
        const QList<QAction *> listed = m_sessionMenu->actions();
        const int newAt = views.sessionActions.isEmpty() ? -1 : int(listed.indexOf(views.sessionActions.first()));
        if (newAt >= 0 && newAt + 1 < listed.size())
            before = listed.at(newAt + 1);
        QAction *separator = m_sessionMenu->insertSeparator(before);
        m_sessionMenu->insertActions(separator, views.extraActions);
    }
    if (!views.imageActions.isEmpty()) {
        for (QAction *action : views.imageActions) {
            if (action)
                m_imageMenu->addAction(action);
            else
                m_imageMenu->addSeparator();
        }
        m_imageMenu->menuAction()->setVisible(true);
        m_imageMenu->setEnabled(currentPage() == Page::Viewer);
        // The image actions are about the picture on show: off while the viewer is not.
        connect(this, &MainWindow::pageChanged, m_imageMenu, [this](Page shown) { m_imageMenu->setEnabled(shown == Page::Viewer); });
    }
    const QSettings settings;
    m_sessionSplitter->restoreState(settings.value(QStringLiteral("window/sessionSplitter")).toByteArray());
    if (!m_galleryAndPrompt->restoreState(settings.value(QStringLiteral("window/galleryAndPrompt")).toByteArray()) && views.promptBar)
        m_galleryAndPrompt->setSizes({height(), views.promptBar->sizeHint().height()}); // first start: the gallery gets the room
    m_pages->setCurrentIndex(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_pages->currentIndex());
}

void MainWindow::showPage(Page page)
{
    if (page == currentPage())
        return;
    if (page != Page::Projects)
        m_history.removeAll(page);
    m_history.append(currentPage());
    m_pages->setCurrentIndex(int(page));
    m_back->setEnabled(page != Page::Projects && !(page == Page::Viewer && m_viewerInstalled));
    if (QWidget *w = m_pages->currentWidget())
        w->setFocus();
    Q_EMIT pageChanged(page);
}

void MainWindow::goBack()
{
    const Page page = currentPage();
    if (page == Page::Projects)
        return;
    Page previous = page == Page::Viewer ? Page::Session : Page::Projects;
    if (!m_history.isEmpty() && m_history.last() != page && int(m_history.last()) < int(page))
        previous = m_history.takeLast();
    showPage(previous);
    m_history.clear();
}

void MainWindow::rememberPlace(const QString &projectId, const QString &sessionId)
{
    m_projectId = projectId;
    m_sessionId = sessionId;
    QSettings settings;
    settings.setValue(QStringLiteral("place/projectId"), projectId);
    settings.setValue(QStringLiteral("place/sessionId"), sessionId);
    m_newSession->setEnabled(!projectId.isEmpty());
}

void MainWindow::setThumbnailSize(int px)
{
    px = qBound(64, (px + 16) / 32 * 32, 512);
    if (px == m_thumbnailSize)
        return;
    m_thumbnailSize = px;
    QSettings().setValue(QStringLiteral("view/thumbnailSize"), px);
    Q_EMIT thumbnailSizeChanged(px);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_galleryPainted && m_context->workspace()) {
        m_galleryPainted = true;
        // After this paint has reached the screen: the window is then what a grab shows.
        QMetaObject::invokeMethod(this, &MainWindow::firstGalleryPainted, Qt::QueuedConnection);
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::restoreState()
{
    const QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    QMainWindow::restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_sessionSplitter->restoreState(settings.value(QStringLiteral("window/sessionSplitter")).toByteArray());
    m_galleryAndPrompt->restoreState(settings.value(QStringLiteral("window/galleryAndPrompt")).toByteArray());
    m_thumbnailSize = settings.value(QStringLiteral("view/thumbnailSize"), m_thumbnailSize).toInt();
    m_projectId = settings.value(QStringLiteral("place/projectId")).toString();
    m_sessionId = settings.value(QStringLiteral("place/sessionId")).toString();
    m_newSession->setEnabled(!m_projectId.isEmpty());
    // The viewer is not reopened: its image may be gone; its session is where to resume.
    const int page = settings.value(QStringLiteral("window/page"), 0).toInt();
    m_pages->setCurrentIndex(page == int(Page::Session) && !m_projectId.isEmpty() ? page : int(Page::Projects));
    m_back->setEnabled(currentPage() != Page::Projects);
}

void MainWindow::saveState()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), QMainWindow::saveState());
    settings.setValue(QStringLiteral("window/sessionSplitter"), m_sessionSplitter->saveState());
    settings.setValue(QStringLiteral("window/galleryAndPrompt"), m_galleryAndPrompt->saveState());
    settings.setValue(QStringLiteral("window/page"), int(currentPage() == Page::Viewer ? Page::Session : currentPage()));
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveState();
    QMainWindow::closeEvent(event);
}

void MainWindow::updateTitle()
{
    client::Workspace *workspace = m_context->workspace();
    QString where;
    if (!workspace)
        where = tr("not connected");
    else if (m_context->isLocalLibrary())
        where = tr("Local library");
    else
        where = workspace->email().isEmpty() ? workspace->options().serverUrl
                                             : tr("%1 on %2").arg(workspace->email(), workspace->options().serverUrl);
    setWindowTitle(tr("%1 — Vesper Studio").arg(where));
}

void MainWindow::newProject()
{
    client::Workspace *workspace = m_context->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New project"), tr("Name:"), QLineEdit::Normal, tr("Untitled project"), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    const client::OutboxWrite write = workspace->outbox().createProject(name.trimmed());
    if (!write.ok()) {
        m_context->reportError(tr("The project could not be created."), write.error);
        return;
    }
    rememberPlace(write.localId, {});
    m_context->submitWrites();
}

void MainWindow::newSession()
{
    client::Workspace *workspace = m_context->workspace();
    if (!workspace || !workspace->isOpen() || m_projectId.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New session"), tr("Name:"), QLineEdit::Normal, tr("Untitled session"), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    const client::OutboxWrite write = workspace->outbox().createSession(m_projectId, name.trimmed());
    if (!write.ok()) {
        m_context->reportError(tr("The session could not be created."), write.error);
        return;
    }
    rememberPlace(m_projectId, write.localId);
    m_context->submitWrites();
    showPage(Page::Session);
}

void MainWindow::openConnectDialog(const QString &serverUrl, const QString &email)
{
    auto *dialog = new ConnectDialog(m_connections, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    if (!serverUrl.isEmpty())
        dialog->setServer(serverUrl, email);
    dialog->open();
}

void MainWindow::openSettings()
{
    auto *dialog = new SettingsDialog(m_connections, m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::openOutboxDialog()
{
    auto *dialog = new OutboxDialog(m_context, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

} // namespace vesper::ui
