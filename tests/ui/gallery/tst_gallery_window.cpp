// The galleries inside the whole window (MainWindow with every real view, as the app builds it), where
// the window's own shortcuts compete with the views' keys: Esc on a quick look closes the look and
// stays on the session page; Ctrl+= / Ctrl+- grow and shrink the thumbnails on both grids; the
// Session and Image menus list their actions with their keys; and wherever the focus is, no two
// enabled actions answer the same key (Qt then triggers neither).
#include "client/models/generationlistmodel.h"
#include "galleryfixture.h"
#include "ui/app/mainwindow.h"
#include "ui/app/studioviews.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/quicklook.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/sessionpanel.h"
#include "ui/prompt/promptbar.h"
#include "ui/viewer/imagecanvas.h"
#include "ui/viewer/viewerview.h"

#include <QAction>
#include <QListView>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::test;
using ui::MainWindow;

namespace {

/// Whether a shortcut of action, in context, is live with focus where it is (Qt's own rule:
/// qshortcut_widgets.cpp, correctActionContext / correctWidgetContext).
bool contextMatches(Qt::ShortcutContext context, QAction *action, QWidget *focus)
{
    for (QObject *object : action->associatedObjects()) {
        if (auto *menu = qobject_cast<QMenu *>(object)) {
            if (contextMatches(context, menu->menuAction(), focus))
                return true;
            continue;
        }
        auto *widget = qobject_cast<QWidget *>(object);
        if (!widget || !widget->isVisible() || !widget->isEnabled())
            continue;
        switch (context) {
        case Qt::ApplicationShortcut:
            return true;
        case Qt::WidgetShortcut:
            if (widget == focus)
                return true;
            break;
        case Qt::WidgetWithChildrenShortcut: {
            QWidget *up = focus;
            while (up && up != widget && !up->isWindow())
                up = up->parentWidget();
            if (up == widget)
                return true;
            break;
        }
        case Qt::WindowShortcut:
            if (focus && widget->window() == focus->window())
                return true;
            break;
        }
    }
    return false;
}

/// Every key that more than one enabled, live action answers with focus where it is.
QStringList ambiguousKeys(QWidget *window, QWidget *focus)
{
    QHash<QString, QStringList> holders;
    QSet<QAction *> seen;
    QList<QAction *> all = window->findChildren<QAction *>();
    for (QWidget *w : window->findChildren<QWidget *>())
        all += w->actions();
    for (QAction *action : std::as_const(all)) {
        if (seen.contains(action) || !action->isEnabled())
            continue;
        seen.insert(action);
        if (!contextMatches(action->shortcutContext(), action, focus))
            continue;
        for (const QKeySequence &key : action->shortcuts())
            holders[key.toString(QKeySequence::PortableText)] << action->text();
    }
    QStringList clashes;
    for (auto it = holders.cbegin(); it != holders.cend(); ++it) {
        if (it.value().size() > 1)
            clashes << QStringLiteral("%1: %2").arg(it.key(), it.value().join(QStringLiteral(", ")));
    }
    return clashes;
}

/// The window's actions of menu with their keys, as "Text (Key)".
QStringList listed(QMenu *menu)
{
    QStringList entries;
    for (QAction *action : menu->actions()) {
        if (action->isSeparator() || !action->isVisible())
            continue;
        entries << QStringLiteral("%1 (%2)").arg(QString(action->text()).remove(QLatin1Char('&')),
                                                  action->shortcut().toString(QKeySequence::PortableText));
    }
    return entries;
}

} // namespace

class TestGalleryWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_settings;

    /// The whole window on the fixture's workspace, open on its session page.
    struct App {
        MainWindow window{std::nullopt};
        ui::StudioViews views;
    };

    static std::unique_ptr<App> openApp(GalleryFixture &fx, const Session &session)
    {
        auto app = std::make_unique<App>();
        app->views = ui::installStudioViews(&app->window);
        app->window.context()->setWorkspace(&fx.workspace(), true);
        QString error;
        if (!ui::showPlace(&app->window, app->views, QStringLiteral("session:") + session.id, &error))
            qWarning() << error;
        app->window.show();
        app->window.activateWindow();
        return app;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-gallery-window"));
    }

    void init() { QSettings().clear(); }

    // Space on a card opens the quick look; Esc closes it and the window stays on the session page
    // (the window's Back, also Esc, must not take the key from the look).
    void escClosesTheQuickLookAndStaysOnTheSession()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        fx.addGenerations(session, 6, 1000);
        auto app = openApp(fx, session);
        QVERIFY(QTest::qWaitForWindowActive(&app->window));
        QCOMPARE(app->window.currentPage(), MainWindow::Page::Session);
        ui::GalleryGrid *grid = app->views.gallery->grid();
        QCOMPARE(grid->model()->rowCount(), 6);
        grid->setCurrentIndex(grid->model()->index(2, 0));
        grid->setFocus();
        QTRY_VERIFY(grid->hasFocus());

        QTest::keyClick(grid, Qt::Key_Space);
        ui::QuickLook *look = app->views.gallery->quickLook();
        QVERIFY(look->isVisible());
        QTRY_VERIFY(look->hasFocus());
        QTest::keyClick(look, Qt::Key_Right); // arrows still move the grid under the look
        QCOMPARE(grid->currentIndex().row(), 3);
        QTest::keyClick(look, Qt::Key_Escape);
        QVERIFY(look->isHidden());
        QCOMPARE(app->window.currentPage(), MainWindow::Page::Session);
        QTRY_VERIFY(grid->hasFocus());

        // Esc again, with no look up, is the window's Back.
        QTest::keyClick(grid, Qt::Key_Escape);
        QCOMPARE(app->window.currentPage(), MainWindow::Page::Projects);
    }

    // Ctrl+= (and Ctrl++) grows the thumbnails and Ctrl+- shrinks them, on the projects grid and on
    // the session gallery, inside the window.
    void zoomKeysWorkOnEveryGrid()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        fx.addGenerations(session, 3, 1000);
        auto app = openApp(fx, session);
        QVERIFY(QTest::qWaitForWindowActive(&app->window));

        const auto check = [&app](ui::GalleryGrid *grid) {
            grid->setFocus();
            QTRY_VERIFY(grid->hasFocus());
            const int before = grid->thumbnailSize();
            QTest::keyClick(grid, Qt::Key_Equal, Qt::ControlModifier);
            QCOMPARE(grid->thumbnailSize(), before + 32);
            QCOMPARE(app->window.thumbnailSize(), before + 32);
            QTest::keyClick(grid, Qt::Key_Plus, Qt::ControlModifier);
            QCOMPARE(grid->thumbnailSize(), before + 64);
            QTest::keyClick(grid, Qt::Key_Minus, Qt::ControlModifier);
            QCOMPARE(grid->thumbnailSize(), before + 32);
        };
        app->window.showPage(MainWindow::Page::Projects);
        check(app->views.projects->grid());
        if (QTest::currentTestFailed())
            return;
        app->window.showPage(MainWindow::Page::Session);
        check(app->views.gallery->grid());
    }

    // The Session menu lists New session, Generate (Ctrl+Enter), Rename, Private and Delete; the Image
    // menu the viewer's actions with their keys, enabled while the viewer is up. They are the views'
    // own QAction objects: wherever the focus is, no key belongs to two enabled actions.
    void menusListTheActionsAndNoKeyIsAmbiguous()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        fx.addGenerations(session, 3, 1000);
        auto app = openApp(fx, session);
        QVERIFY(QTest::qWaitForWindowActive(&app->window));

        const QStringList sessionMenu = listed(app->window.sessionMenu());
        QVERIFY2(sessionMenu.size() >= 5, qPrintable(sessionMenu.join(QStringLiteral("; "))));
        QCOMPARE(sessionMenu.at(0), QStringLiteral("New session… (Ctrl+N)"));
        QCOMPARE(sessionMenu.at(1), QStringLiteral("Generate (Ctrl+Return)"));
        QVERIFY(sessionMenu.contains(QStringLiteral("Rename session… (F2)")));
        QVERIFY(sessionMenu.contains(QStringLiteral("Private session ()")));
        QVERIFY(sessionMenu.contains(QStringLiteral("Delete session… (Del)")));
        QVERIFY(app->window.sessionMenu()->actions().contains(app->views.promptBar->generateAction()));

        QMenu *image = app->window.imageMenu();
        QVERIFY(image->menuAction()->isVisible());
        for (const char *name : {"star", "reusePrompt", "reuseAll", "useAsReference", "copy", "saveAs", "delete", "fit", "actualSize",
                                 "zoomIn", "zoomOut", "previous", "next", "undo"})
            QVERIFY2(image->actions().contains(app->views.viewer->action(QLatin1String(name))), name);
        const QStringList imageMenu = listed(image);
        for (const char *entry : {"Reuse prompt (R)", "Reuse all settings (Shift+R)", "Copy image (Ctrl+C)", "Delete (Del)", "Fit (0)",
                                  "100 % (1)", "Zoom in (+)", "Zoom out (-)", "Save as… (Ctrl+S)"})
            QVERIFY2(imageMenu.contains(QString::fromUtf8(entry)), qPrintable(imageMenu.join(QStringLiteral("; "))));
        QVERIFY(!image->isEnabled()); // on the session page there is no image on show

        // Each place the focus goes: the projects grid, the session list, the gallery, the prompt,
        // the viewer.
        const auto noClash = [&app](MainWindow::Page page, QWidget *focus) {
            app->window.showPage(page);
            focus->setFocus();
            QTRY_VERIFY(focus->hasFocus());
            const QStringList clashes = ambiguousKeys(&app->window, focus);
            QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QStringLiteral("; "))));
        };
        noClash(MainWindow::Page::Projects, app->views.projects->grid());
        app->views.projects->selectProject(session.projectId); // Rename, Delete… enabled
        noClash(MainWindow::Page::Projects, app->views.projects->grid());
        noClash(MainWindow::Page::Session, app->views.sessions->list());
        noClash(MainWindow::Page::Session, app->views.gallery->grid());
        auto *prompt = app->views.promptBar->findChild<QPlainTextEdit *>();
        QVERIFY(prompt);
        prompt->setPlainText(QStringLiteral("a lighthouse")); // Generate enabled
        noClash(MainWindow::Page::Session, prompt);

        client::GenerationListModel *model = app->views.gallery->model();
        app->views.viewer->open(model, model->index(0, 0).data(client::GenerationListModel::IdRole).toString(),
                                model->index(0, 0).data(client::GenerationListModel::FirstOutputIdRole).toString());
        noClash(MainWindow::Page::Viewer, app->views.viewer->canvas());
        QVERIFY(image->isEnabled());
        QVERIFY(app->views.viewer->action(QStringLiteral("star"))->isEnabled());
    }
};

QTEST_MAIN(TestGalleryWindow)
#include "tst_gallery_window.moc"
