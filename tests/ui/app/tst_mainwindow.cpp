// The window on its own (no workspace, no views yet): pages and Esc going back, the view seam
// replacing placeholders and the built-in New project action, thumbnail size steps and bounds, the
// Assistant dock's toggle, shortcuts named in tooltips, and the banner's info hiding by itself
// while errors stay.
#include "ui/app/banner.h"
#include "ui/app/mainwindow.h"
#include "ui/app/uicontext.h"

#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper::ui;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-test"));
    }

    void pagesAndBack()
    {
        MainWindow window(std::nullopt);
        QCOMPARE(window.currentPage(), MainWindow::Page::Projects);
        window.showPage(MainWindow::Page::Session);
        window.showPage(MainWindow::Page::Viewer);
        window.goBack();
        QCOMPARE(window.currentPage(), MainWindow::Page::Session);
        window.goBack();
        QCOMPARE(window.currentPage(), MainWindow::Page::Projects);
        window.goBack();
        QCOMPARE(window.currentPage(), MainWindow::Page::Projects);
    }

    void installViewsReplacesPlaceholders()
    {
        MainWindow window(std::nullopt);
        auto *projects = new QLabel(QStringLiteral("projects"));
        auto *viewer = new QLabel(QStringLiteral("viewer"));
        auto *gallery = new QLabel(QStringLiteral("gallery"));
        auto *newProject = new QAction(QStringLiteral("New project"), &window);
        newProject->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        MainWindowViews views;
        views.projects = projects;
        views.viewer = viewer;
        views.sessionGallery = gallery;
        views.projectActions = {newProject};
        window.installViews(views);
        QCOMPARE(projects->parentWidget() != nullptr, true);
        QVERIFY(window.isAncestorOf(projects));
        QVERIFY(window.isAncestorOf(gallery));
        window.showPage(MainWindow::Page::Viewer);
        QVERIFY(window.isAncestorOf(viewer));
        QVERIFY(viewer->isVisibleTo(&window));
        // The built-in New project gave way to the view's: only one enabled action holds the shortcut.
        int holders = 0;
        for (QAction *a : window.findChildren<QAction *>())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N) && a->isEnabled())
                ++holders;
        QCOMPARE(holders, 1);
    }

    void thumbnailSizeSteps()
    {
        MainWindow window(std::nullopt);
        QSignalSpy spy(&window, &MainWindow::thumbnailSizeChanged);
        window.setThumbnailSize(4000);
        QCOMPARE(window.thumbnailSize(), 512);
        window.setThumbnailSize(10);
        QCOMPARE(window.thumbnailSize(), 64);
        QCOMPARE(spy.count(), 2);
        QCOMPARE(QSettings().value(QStringLiteral("view/thumbnailSize")).toInt(), 64);
    }

    void shortcutsInTooltipsAndAssistant()
    {
        MainWindow window(std::nullopt);
        window.show();
        QAction *assistant = window.assistantDock()->toggleViewAction();
        QCOMPARE(assistant->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A));
        QVERIFY(!window.assistantDock()->isVisible());
        assistant->trigger();
        QVERIFY(window.assistantDock()->isVisible());
        for (QAction *a : window.actions()) {
            if (a->shortcut().isEmpty())
                continue;
            QVERIFY2(a->toolTip().contains(a->shortcut().toString(QKeySequence::NativeText)), qPrintable(a->text()));
        }
    }

    void bannerInfoHidesErrorStays()
    {
        UiContext context;
        Banner banner;
        banner.setAutoHideMs(100);
        banner.attach(&context);
        context.reportInfo(QStringLiteral("Saved."));
        QVERIFY(!banner.isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(banner.isHidden(), 2000);
        context.reportError(QStringLiteral("Could not save."), QStringLiteral("Your change is kept; try again."));
        QVERIFY(!banner.isHidden());
        QCOMPARE(banner.detail(), QStringLiteral("Your change is kept; try again."));
        QTest::qWait(300);
        QVERIFY(!banner.isHidden());
        bool undone = false;
        context.reportWithAction(UiContext::Severity::Info, QStringLiteral("Deleted."), QStringLiteral("Undo"), [&undone] { undone = true; });
        QVERIFY(!banner.isHidden());
        auto *button = banner.findChild<QPushButton *>();
        QVERIFY(button && !button->isHidden());
        button->click();
        QVERIFY(undone);
        QVERIFY(banner.isHidden());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
