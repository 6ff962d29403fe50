// The whole app on a real embedded backend, driven like a user (issue 11, "End to end"): the main
// window with the real views, New project and New session answered in their dialogs, a prompt typed
// into the prompt bar and Ctrl+Return; the pending card is in the gallery at once, its progress
// moves, it completes and its thumbnail is painted; Enter opens the viewer on it, R takes its prompt
// back to the prompt bar; in the viewer Delete hides an image and Ctrl+Z brings it back with nothing
// sent, and Delete left alone past the grace period deletes it on the server and in the gallery.
#include "appdriver.h"

#include "backend/server/embeddedbackend.h"
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/models/projectlistmodel.h"
#include "client/models/sessionlistmodel.h"
#include "client/net/apiclient.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/studioviews.h"
#include "ui/app/uicontext.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/sessionpanel.h"
#include "ui/gallery/thumbnailbinder.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/promptbar.h"
#include "ui/viewer/deferreddeletes.h"
#include "ui/viewer/viewerview.h"

#include <QAction>
#include <QComboBox>
#include <QListView>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;
using Generations = client::GenerationListModel;

namespace {

QAction *actionWithShortcut(const QList<QAction *> &actions, const QKeySequence &keys)
{
    for (QAction *action : actions) {
        if (action->shortcut() == keys)
            return action;
    }
    return nullptr;
}

/// The id of the row named name that the server has confirmed (empty while only a placeholder or nothing).
template <class Row>
QString confirmedId(const client::CachePage<Row> &page, const QString &name)
{
    for (const Row &row : page.rows) {
        if (row.name == name && !page.pending.contains(row.id))
            return row.id;
    }
    return {};
}

/// The ids of the outputs the server lists for a generation (empty when it cannot be read).
QStringList outputsOnServer(client::Workspace *workspace, const QString &generationId)
{
    const client::ApiResult<Generation> answer = workspace->api().generation(generationId);
    QStringList ids;
    if (answer.error.ok() && answer.value.outputs) {
        for (const Output &output : *answer.value.outputs)
            ids << output.id;
    }
    return ids;
}

} // namespace

class TestAppEndToEnd : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<backend::EmbeddedBackend> m_backend;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-e2e"));
        backend::BackendSettings settings = backend::BackendSettings::forDataDir(m_dir.filePath(QStringLiteral("library")));
        settings.accessLog = false;
        m_backend = std::make_unique<backend::EmbeddedBackend>(settings);
        QString error;
        QVERIFY2(m_backend->start(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        if (m_backend)
            m_backend->stop();
    }

    void createGenerateViewReuseDelete()
    {
        const LocalLibrary library{m_backend->baseUrl(), QString::fromLatin1(m_backend->accessToken()), m_backend->localUserId(),
                                   m_dir.filePath(QStringLiteral("library")), {}};
        auto window = std::make_unique<MainWindow>(library);
        const StudioViews views = installStudioViews(window.get());
        window->connections()->setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        window->connections()->openLast();
        window->resize(1400, 900);
        window->show();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        client::Workspace *workspace = window->context()->workspace();
        QVERIFY(workspace && workspace->isOpen());
        QVERIFY(window->context()->isLocalLibrary());
        workspace->tracker().setBaseIntervalMs(100); // the tracker reports progress often enough to be seen
        client::CacheStore &cache = workspace->cache();
        // The first start's welcome project arrives and settles (three sketch images).
        QTRY_VERIFY_WITH_TIMEOUT(cache.counts().generations == 3 && cache.counts().pendingRows == 0 && cache.counts().inFlight == 0, 60000);
        QCOMPARE(window->currentPage(), MainWindow::Page::Projects);

        // ---- New project (Ctrl+Shift+N), named in its dialog; it becomes the current card.
        const QString projectName = QStringLiteral("Harbour studies");
        QAction *newProject = actionWithShortcut(views.projects->actions(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        QVERIFY(newProject);
        QVERIFY2(test::answerNameDialog(views.projects->grid(), newProject, projectName), "no New project dialog");
        QString projectId;
        QTRY_VERIFY_WITH_TIMEOUT(!(projectId = confirmedId(cache.projects(10), projectName)).isEmpty(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(views.projects->model()->rowOf(projectId) >= 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(views.projects->currentProjectId(), projectId, 10000);

        // ---- Enter opens it: the session page with its sessions.
        QTest::keyClick(views.projects->grid(), Qt::Key_Return);
        QCOMPARE(window->currentPage(), MainWindow::Page::Session);
        QCOMPARE(views.sessions->projectId(), projectId);

        // ---- New session (Ctrl+N), named in its dialog; it becomes the selected session.
        const QString sessionName = QStringLiteral("Kites at noon");
        QAction *newSession = actionWithShortcut(views.sessions->actions(), QKeySequence(Qt::CTRL | Qt::Key_N));
        QVERIFY(newSession);
        QVERIFY2(test::answerNameDialog(views.sessions->list(), newSession, sessionName), "no New session dialog");
        QString sessionId;
        QTRY_VERIFY_WITH_TIMEOUT(!(sessionId = confirmedId(cache.sessions(projectId, 10), sessionName)).isEmpty(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(views.sessions->currentSessionId(), sessionId, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(views.promptBar->sessionId(), sessionId, 10000);
        QCOMPARE(views.gallery->sessionId(), sessionId);
        Generations *gallery = views.gallery->model();
        QVERIFY(gallery);
        QCOMPARE(gallery->rowCount(), 0);
        // The page's room goes to the gallery; the prompt bar keeps its own height (first start: no saved splitter).
        QVERIFY2(views.promptBar->height() <= views.promptBar->sizeHint().height() + 8,
                 qPrintable(QStringLiteral("the prompt bar is %1 px tall").arg(views.promptBar->height())));
        QVERIFY(views.gallery->height() > 3 * views.promptBar->height());

        // ---- A prompt typed into the bar, sketch chosen, four 1024 px images, Ctrl+Return.
        const QString prompt = QStringLiteral("a red kite over the harbour at noon");
        QTest::mouseClick(views.promptBar->promptEdit()->viewport(), Qt::LeftButton);
        QTest::keyClicks(views.promptBar->promptEdit(), prompt);
        ModelPicker *models = views.promptBar->modelPicker();
        models->setCurrentIndex(models->findData(QStringLiteral("sketch")));
        QCOMPARE(models->currentModelId(), QStringLiteral("sketch"));
        views.promptBar->resolutionPicker()->setCurrentIndex(views.promptBar->resolutionPicker()->findText(QStringLiteral("1024")));
        views.promptBar->countBox()->setValue(4); // four 1024 px images: long enough for polls to see progress
        QVERIFY2(views.promptBar->generateAction()->isEnabled(), qPrintable(views.promptBar->disabledReason()));

        // Every progress the gallery shows for the card, as it shows it.
        QList<int> progressSeen;
        connect(gallery, &QAbstractItemModel::dataChanged, this, [&](const QModelIndex &from, const QModelIndex &to) {
            for (int row = from.row(); row <= to.row(); ++row) {
                const QModelIndex index = gallery->index(row, 0);
                if (index.data(Generations::PromptRole).toString() == prompt)
                    progressSeen << index.data(Generations::ProgressRole).toInt();
            }
        });
        QSignalSpy queued(views.promptBar, &PromptBar::generationQueued);
        QTest::keyClick(views.promptBar->promptEdit(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(queued.size(), 1);
        const QString localId = queued.first().first().toString();
        // The pending card is there at once, at the top, before the backend has answered.
        QCOMPARE(gallery->rowOf(localId), 0);
        QCOMPARE(gallery->data(gallery->index(0, 0), Generations::PromptRole).toString(), prompt);
        QCOMPARE(gallery->data(gallery->index(0, 0), Generations::ModelIdRole).toString(), QStringLiteral("sketch"));

        // ---- The backend takes it; the tracker brings its progress; it completes with four images.
        QString generationId;
        QTRY_VERIFY_WITH_TIMEOUT((generationId = gallery->data(gallery->index(0, 0), Generations::IdRole).toString()) != localId
                                     && !gallery->data(gallery->index(0, 0), Generations::IsPendingRole).toBool(), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(gallery->data(gallery->index(0, 0), Generations::StatusRole).toString(), QStringLiteral("completed"), 60000);
        QCOMPARE(gallery->rowCount(), 1);
        QCOMPARE(gallery->data(gallery->index(0, 0), Generations::IdRole).toString(), generationId);
        const QStringList outputIds = gallery->data(gallery->index(0, 0), Generations::OutputIdsRole).toStringList();
        QCOMPARE(outputIds.size(), 4);
        QCOMPARE(gallery->data(gallery->index(0, 0), Generations::ProgressRole).toInt(), 100);
        bool between = false;
        for (int p : progressSeen)
            between = between || (p > 0 && p < 100);
        QStringList shown;
        for (int p : progressSeen)
            shown << QString::number(p);
        qInfo() << "progress the card showed:" << shown.join(QLatin1Char(' '));
        QVERIFY2(between, qPrintable(QStringLiteral("no progress between 0 and 100 was shown: ") + shown.join(QLatin1Char(' '))));
        for (int i = 1; i < progressSeen.size(); ++i)
            QVERIFY2(progressSeen.at(i) >= progressSeen.at(i - 1), "the progress went backwards");

        // ---- The card's picture is loaded and painted.
        client::ThumbnailCache *thumbnails = window->context()->thumbnails();
        QVERIFY(thumbnails);
        QTRY_VERIFY_WITH_TIMEOUT(!thumbnails->cached(outputIds.first()).isNull(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(views.gallery->binder()->visibleOutputIds().contains(outputIds.first()), 5000);

        // ---- Something else in the prompt bar, then the card opened with Enter.
        QTest::keyClick(views.promptBar->promptEdit(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(views.promptBar->promptEdit(), QStringLiteral("something else entirely"));
        QCOMPARE(views.promptBar->prompt(), QStringLiteral("something else entirely"));
        test::clickCard(views.gallery->grid(), gallery->index(0, 0));
        QCOMPARE(views.gallery->currentGenerationId(), generationId);
        QTest::keyClick(views.gallery->grid(), Qt::Key_Return);
        QCOMPARE(window->currentPage(), MainWindow::Page::Viewer);
        ViewerView *viewer = views.viewer;
        QCOMPARE(viewer->currentGenerationId(), generationId);
        QCOMPARE(viewer->currentOutputId(), outputIds.first());

        // ---- R: the prompt goes back to the bar, the session page shows again.
        QTest::keyClick(viewer, Qt::Key_R);
        QCOMPARE(window->currentPage(), MainWindow::Page::Session);
        QCOMPARE(views.promptBar->prompt(), prompt);

        // ---- In the viewer again: Delete hides the image, Ctrl+Z brings it back; nothing is sent.
        test::clickCard(views.gallery->grid(), gallery->index(0, 0));
        QTest::keyClick(views.gallery->grid(), Qt::Key_Return);
        QCOMPARE(window->currentPage(), MainWindow::Page::Viewer);
        QCOMPARE(viewer->currentOutputId(), outputIds.first());
        DeferredDeletes *deletes = viewer->deferredDeletes();
        deletes->setGracePeriodMs(1500);
        QSignalSpy committed(deletes, &DeferredDeletes::committed);
        QTest::keyClick(viewer, Qt::Key_Delete);
        QVERIFY(deletes->isPending(outputIds.first()));
        QCOMPARE(viewer->currentOutputId(), outputIds.at(1)); // hidden: the viewer moved on to the next image
        QTest::keyClick(viewer, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(!deletes->isPending(outputIds.first()));
        QCOMPARE(viewer->currentOutputId(), outputIds.first());
        QVERIFY(!committed.wait(3 * deletes->gracePeriodMs())); // past the grace period: still nothing
        QCOMPARE(cache.counts().outboxQueued, 0);
        QCOMPARE(outputsOnServer(workspace, generationId), outputIds);

        // ---- Delete, left alone past a short grace period: gone on the server and in the gallery.
        deletes->setGracePeriodMs(300);
        QTest::keyClick(viewer, Qt::Key_Delete);
        QVERIFY(deletes->isPending(outputIds.first()));
        QVERIFY(committed.wait(10000));
        QCOMPARE(committed.first().first().toString(), outputIds.first());
        QTRY_VERIFY_WITH_TIMEOUT(!outputsOnServer(workspace, generationId).contains(outputIds.first()), 20000);
        QCOMPARE(outputsOnServer(workspace, generationId), outputIds.mid(1));
        QTRY_COMPARE_WITH_TIMEOUT(gallery->data(gallery->index(gallery->rowOf(generationId), 0), Generations::OutputIdsRole).toStringList(),
                                  outputIds.mid(1), 20000);
        QCOMPARE(viewer->currentOutputId(), outputIds.at(1));

        // ---- Esc: back to the gallery, on the card the review stopped at.
        QTest::keyClick(viewer, Qt::Key_Escape);
        QCOMPARE(window->currentPage(), MainWindow::Page::Session);
        QCOMPARE(views.gallery->currentGenerationId(), generationId);
        QCOMPARE(cache.counts().outboxFailed, 0);
        window.reset(); // the workspace stops before the backend
    }
};

QTEST_MAIN(TestAppEndToEnd)
#include "tst_app_endtoend.moc"
