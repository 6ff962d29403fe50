// MainWindow's menus and tool bar (kept apart from the page logic in mainwindow.cpp). Every action
// with a shortcut shows it in its menu and in its tooltip.
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/uicontext.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QToolBar>

namespace vesper::ui {

namespace {

/// An action whose tooltip names its shortcut, as the house rules ask.
QAction *makeAction(QObject *parent, const QString &text, const QKeySequence &shortcut = {})
{
    auto *action = new QAction(text, parent);
    if (!shortcut.isEmpty()) {
        action->setShortcut(shortcut);
        QString plain = text;
        plain.remove(QLatin1Char('&'));
        plain.remove(QStringLiteral("…"));
        action->setToolTip(QStringLiteral("%1 (%2)").arg(plain, shortcut.toString(QKeySequence::NativeText)));
    }
    return action;
}

} // namespace

void MainWindow::triggerOnFocus(const char *method)
{
    if (QWidget *focus = QApplication::focusWidget())
        QMetaObject::invokeMethod(focus, method);
}

void MainWindow::createToolBar()
{
    QToolBar *bar = addToolBar(tr("Search"));
    bar->setObjectName(QStringLiteral("searchToolBar"));
    bar->setMovable(false);
    auto *spacer = new QWidget(bar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search prompts (%1)").arg(QKeySequence(Qt::CTRL | Qt::Key_K).toString(QKeySequence::NativeText)));
    m_search->setMaximumWidth(360);
    m_search->setMinimumWidth(220);
    bar->addWidget(m_search);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newProject = makeAction(this, tr("New &project…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(m_newProject, &QAction::triggered, this, &MainWindow::newProject);
    m_newSession = makeAction(this, tr("New &session…"), QKeySequence::New);
    connect(m_newSession, &QAction::triggered, this, &MainWindow::newSession);
    file->addAction(m_newProject);
    file->addAction(m_newSession);
    file->addSeparator();
    QAction *connectServer = makeAction(this, tr("&Connect to server…"));
    connect(connectServer, &QAction::triggered, this, [this] { openConnectDialog(); });
    QAction *useLocal = makeAction(this, tr("Use &local library"));
    useLocal->setEnabled(m_connections->localLibrary().has_value() || m_connections->isOffline());
    connect(useLocal, &QAction::triggered, m_connections, &ConnectionManager::openLocal);
    QAction *signOut = makeAction(this, tr("Sign &out"));
    connect(signOut, &QAction::triggered, m_connections, &ConnectionManager::signOut);
    connect(m_connections, &ConnectionManager::connected, signOut, [signOut](bool local) { signOut->setEnabled(!local); });
    file->addAction(connectServer);
    file->addAction(useLocal);
    file->addAction(signOut);
    file->addSeparator();
    QAction *settings = makeAction(this, tr("&Settings…"), QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(settings, &QAction::triggered, this, &MainWindow::openSettings);
    file->addAction(settings);
    file->addSeparator();
    QAction *quit = makeAction(this, tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);
    file->addAction(quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *undo = makeAction(this, tr("&Undo"), QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetShortcut); // the focused view's own Undo (the viewer's undo delete) wins
    connect(undo, &QAction::triggered, this, [this] { triggerOnFocus("undo"); });
    QAction *copy = makeAction(this, tr("&Copy"), QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut); // the focused view's own Copy (an image) wins
    connect(copy, &QAction::triggered, this, [this] { triggerOnFocus("copy"); });
    QAction *find = makeAction(this, tr("&Find…"), QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(find, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    edit->addAction(undo);
    edit->addAction(copy);
    edit->addSeparator();
    edit->addAction(find);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *projects = makeAction(this, tr("&Projects"), QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(projects, &QAction::triggered, this, [this] { showPage(Page::Projects); });
    QAction *session = makeAction(this, tr("&Session"), QKeySequence(Qt::CTRL | Qt::Key_2));
    connect(session, &QAction::triggered, this, [this] { showPage(Page::Session); });
    m_back = makeAction(this, tr("&Back"), QKeySequence(Qt::Key_Escape));
    connect(m_back, &QAction::triggered, this, &MainWindow::goBack);
    // The one pair of zoom keys in the window (the galleries use these actions, not their own).
    // QKeySequence::ZoomIn adds Ctrl++; ZoomOut is Ctrl+- already, and one key listed twice on one
    // action is an ambiguous shortcut that triggers nothing.
    QAction *bigger = m_bigger = makeAction(this, tr("&Bigger thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Equal));
    QAction *smaller = m_smaller = makeAction(this, tr("S&maller thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Minus));
    const auto addKey = [](QAction *action, const QKeySequence &key) {
        QList<QKeySequence> keys = action->shortcuts();
        if (!key.isEmpty() && !keys.contains(key))
            action->setShortcuts(keys << key);
    };
    addKey(bigger, QKeySequence(QKeySequence::ZoomIn));
    addKey(smaller, QKeySequence(QKeySequence::ZoomOut));
    connect(bigger, &QAction::triggered, this, [this] { setThumbnailSize(m_thumbnailSize + 32); });
    connect(smaller, &QAction::triggered, this, [this] { setThumbnailSize(m_thumbnailSize - 32); });
    QAction *assistant = m_assistant->toggleViewAction();
    assistant->setText(tr("&Assistant"));
    assistant->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
    assistant->setToolTip(tr("Assistant (%1)").arg(assistant->shortcut().toString(QKeySequence::NativeText)));
    view->addAction(projects);
    view->addAction(session);
    view->addAction(m_back);
    view->addSeparator();
    view->addAction(bigger);
    view->addAction(smaller);
    view->addSeparator();
    view->addAction(assistant);

    // Filled by installViews: the session's actions with Generate, and the viewer's actions.
    m_sessionMenu = menuBar()->addMenu(tr("&Session"));
    m_sessionMenu->addAction(m_newSession);
    m_imageMenu = menuBar()->addMenu(tr("&Image"));
    m_imageMenu->menuAction()->setVisible(false); // until a viewer is installed

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = makeAction(this, tr("&About Vesper Studio"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Vesper Studio"),
                           tr("<b>Vesper Studio</b> %1<br>Image generation for creators: a local library on this "
                              "computer, or a team server.").arg(QStringLiteral(VESPER_VERSION)));
    });
    help->addAction(about);

    for (QAction *a : {m_newProject, m_newSession, connectServer, useLocal, signOut, settings, quit, undo, copy, find, projects, session,
                       m_back, bigger, smaller, assistant})
        addAction(a); // shortcuts work while the menu bar is hidden (full screen) too
}

} // namespace vesper::ui
