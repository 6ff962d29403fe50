// The whole app against a team server that goes away (issue 11, "Offline"): signed in through the
// ConnectionManager, with a project, a session and a finished generation synced, the server stops.
// The status bar says offline; the projects page, the session list and the gallery still show their
// rows; search through the window's search field finds the generation by a word of its prompt; a
// generation asked for from the prompt bar is queued and marked pending; the assistant drawer says it
// is offline, keeps a message (failed, for Retry) and leaves the prompt alone on Enhance. The server comes back on the
// same port and the generation reaches it exactly once — also after more flushes — and the pending
// mark goes away; the kept message's Retry gets the assistant's answer.
#include "appdriver.h"

#include "client/assistant/assistantconversation.h"
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/models/projectlistmodel.h"
#include "client/models/sessionlistmodel.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"
#include "testserver.h"
#include "ui/app/accountcalls.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/statusindicator.h"
#include "ui/app/studioviews.h"
#include "ui/app/uicontext.h"
#include "ui/assistant/assistantdock.h"
#include "ui/assistant/assistantdrawer.h"
#include "ui/assistant/conversationview.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/sessionpanel.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/promptbar.h"

#include <QAction>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;
using Generations = client::GenerationListModel;

namespace {

/// How many generations of the session the server lists with this prompt (-1 when it cannot be asked).
int countOnServer(client::Workspace *workspace, const QString &sessionId, const QString &prompt)
{
    const client::ApiResult<client::Page<Generation>> page = workspace->api().generations(sessionId, 50);
    if (!page.error.ok())
        return -1;
    int count = 0;
    for (const Generation &g : page.value.items)
        count += g.prompt == prompt ? 1 : 0;
    return count;
}

/// Types a prompt into the bar (replacing what it held), picks sketch and presses Ctrl+Return.
QString generateFromBar(PromptBar *bar, const QString &prompt)
{
    QTest::mouseClick(bar->promptEdit()->viewport(), Qt::LeftButton);
    QTest::keyClick(bar->promptEdit(), Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(bar->promptEdit(), prompt);
    bar->modelPicker()->setCurrentIndex(bar->modelPicker()->findData(QStringLiteral("sketch")));
    if (!bar->generateAction()->isEnabled()) {
        qWarning() << "Generate is disabled:" << bar->disabledReason();
        return {};
    }
    QSignalSpy queued(bar, &PromptBar::generationQueued);
    QTest::keyClick(bar->promptEdit(), Qt::Key_Return, Qt::ControlModifier);
    return queued.isEmpty() ? QString() : queued.first().first().toString();
}

} // namespace

class TestAppOffline : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-offline"));
    }

    void browseSearchAndQueueWhileTheServerIsAway()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        const QString email = QStringLiteral("offline@example.com");
        const QString password = QStringLiteral("correct horse battery");
        const AccountCallResult signedUp = signUpAccount(server.baseUrl(), email, password);
        QVERIFY2(signedUp.ok, qPrintable(signedUp.error));

        auto window = std::make_unique<MainWindow>(std::nullopt);
        const StudioViews views = installStudioViews(window.get());
        ConnectionManager *connections = window->connections();
        connections->setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        connections->setKeychainService(QStringLiteral("vesper-test-offline"));
        window->resize(1400, 900);
        window->show();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        QSignalSpy signedIn(connections, &ConnectionManager::signInFinished);
        connections->signIn(server.baseUrl(), email, password);
        QVERIFY(signedIn.wait(30000));
        QCOMPARE(signedIn.first().first().toString(), QString());
        client::Workspace *workspace = window->context()->workspace();
        QVERIFY(workspace && !window->context()->isLocalLibrary());
        workspace->tracker().setBaseIntervalMs(200);
        client::CacheStore &cache = workspace->cache();
        StatusIndicator *status = window->statusIndicator();
        QTRY_VERIFY_WITH_TIMEOUT(status->isOnline() && status->creditsText().contains(QStringLiteral("credits")), 20000);

        // ---- A project and a session (queued as the app queues them), opened; a generation from the bar.
        const client::OutboxWrite project = workspace->outbox().createProject(QStringLiteral("Coastlines"));
        const client::OutboxWrite session = workspace->outbox().createSession(project.localId, QStringLiteral("Lighthouses"));
        QVERIFY(project.ok() && session.ok());
        window->context()->submitWrites();
        QTRY_VERIFY_WITH_TIMEOUT(cache.counts().pendingRows == 0 && cache.counts().outboxQueued == 0 && cache.counts().sessions >= 2, 20000);
        const QString projectId = cache.projects(10).rows.value(0).id;
        QString sessionId;
        for (const Session &s : cache.sessions(projectId, 10).rows) {
            if (s.name == QLatin1String("Lighthouses"))
                sessionId = s.id;
        }
        QVERIFY(!sessionId.isEmpty());
        QVERIFY2(showPlace(window.get(), views, QStringLiteral("session:") + sessionId, &error), qPrintable(error));
        QCOMPARE(window->currentPage(), MainWindow::Page::Session);
        QTRY_COMPARE_WITH_TIMEOUT(views.promptBar->sessionId(), sessionId, 10000);

        const QString firstPrompt = QStringLiteral("a copper lighthouse under falling snow");
        QTRY_VERIFY_WITH_TIMEOUT(views.promptBar->modelPicker()->findData(QStringLiteral("sketch")) >= 0, 20000); // the bootstrap's models
        QVERIFY(!generateFromBar(views.promptBar, firstPrompt).isEmpty());
        Generations *gallery = views.gallery->model();
        QTRY_VERIFY_WITH_TIMEOUT(test::rowWithPrompt(gallery, firstPrompt) >= 0
                                     && gallery->data(gallery->index(test::rowWithPrompt(gallery, firstPrompt), 0), Generations::StatusRole)
                                            == QStringLiteral("completed"), 60000);
        const QString firstId = gallery->data(gallery->index(test::rowWithPrompt(gallery, firstPrompt), 0), Generations::IdRole).toString();

        // ---- The server goes away; the next calls fail and the status bar says offline.
        server.stop();
        QTRY_VERIFY_WITH_TIMEOUT((workspace->sync().requestSync(), !status->isOnline()), 60000);
        QVERIFY2(status->connectionText().startsWith(QStringLiteral("Offline")), qPrintable(status->connectionText()));

        // ---- Browsing works from the cache: projects page, session list, gallery.
        QTest::keyClick(views.gallery->grid(), Qt::Key_Escape); // the session page's Esc: back to the projects
        if (window->currentPage() != MainWindow::Page::Projects)
            window->goBack();
        QCOMPARE(window->currentPage(), MainWindow::Page::Projects);
        QVERIFY(views.projects->model()->rowOf(projectId) >= 0);
        views.projects->selectProject(projectId);
        QCOMPARE(views.projects->currentProjectId(), projectId);
        QTest::keyClick(views.projects->grid(), Qt::Key_Return);
        QCOMPARE(window->currentPage(), MainWindow::Page::Session);
        QVERIFY(views.sessions->model()->rowOf(sessionId) >= 0);
        QCOMPARE(views.sessions->currentSessionId(), sessionId);
        QVERIFY(gallery->rowOf(firstId) >= 0);

        // ---- Search through the window's field: the gallery in search mode finds it by a word.
        QTest::mouseClick(window->searchField(), Qt::LeftButton);
        QTest::keyClicks(window->searchField(), QStringLiteral("copper"));
        QTRY_VERIFY_WITH_TIMEOUT(gallery->isSearch() && gallery->searchText() == QStringLiteral("copper"), 5000);
        QVERIFY(gallery->rowOf(firstId) >= 0);
        QCOMPARE(gallery->rowCount(), 1);
        QTest::keyClick(window->searchField(), Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(window->searchField(), QStringLiteral("zeppelin"));
        QTRY_COMPARE_WITH_TIMEOUT(gallery->searchText(), QStringLiteral("zeppelin"), 5000);
        QCOMPARE(gallery->rowCount(), 0);
        window->searchField()->clear();
        QTRY_VERIFY_WITH_TIMEOUT(!gallery->isSearch(), 5000);
        QCOMPARE(gallery->sessionId(), sessionId);

        // ---- The assistant offline: the drawer says so; a message is kept, failed, for Retry; Enhance
        // says it needs the server and leaves the prompt as it is.
        views.assistant->open();
        AssistantDrawer *drawer = views.assistant->drawer();
        QTRY_VERIFY_WITH_TIMEOUT(drawer->showsOffline(), 10000);
        QVERIFY(drawer->conversation());
        const QString question = QStringLiteral("Make it moodier.");
        QTest::keyClicks(drawer->input(), question);
        QTest::keyClick(drawer->input(), Qt::Key_Return, Qt::ControlModifier);
        using State = client::ConversationMessage::State;
        QTRY_VERIFY_WITH_TIMEOUT(!drawer->conversation()->messages().isEmpty()
                                     && drawer->conversation()->messages().last().state == State::Failed, 10000);
        QCOMPARE(drawer->conversation()->messages().last().content, question);
        QCOMPARE(drawer->conversation()->messages().last().role, QStringLiteral("user"));
        QVERIFY2(drawer->errorText().contains(QStringLiteral("offline")), qPrintable(drawer->errorText()));
        const QString promptBefore = views.promptBar->prompt();
        drawer->enhance();
        QVERIFY2(drawer->errorText().contains(QStringLiteral("Enhance needs the server")), qPrintable(drawer->errorText()));
        QCOMPARE(views.promptBar->prompt(), promptBefore);

        // ---- A generation asked for offline: queued, pending in the gallery, one write waiting.
        const QString offlinePrompt = QStringLiteral("the same lighthouse, asked for while offline");
        QSignalSpy submitted(window->context(), &UiContext::writesSubmitted);
        const QString localId = generateFromBar(views.promptBar, offlinePrompt);
        QVERIFY(!localId.isEmpty());
        QCOMPARE(gallery->rowOf(localId), 0);
        QVERIFY(gallery->data(gallery->index(0, 0), Generations::IsPendingRole).toBool());
        QCOMPARE(cache.counts().outboxQueued, 1);
        QVERIFY(submitted.wait(30000)); // the bar's flush ran and stopped at the missing server
        QVERIFY2(!submitted.last().at(2).toString().isEmpty(), "a flush with the server gone should say why it stopped");
        QCOMPARE(cache.counts().outboxQueued, 1);
        QTRY_VERIFY_WITH_TIMEOUT(!status->pendingText().isEmpty(), 5000);
        QVERIFY(gallery->data(gallery->index(gallery->rowOf(localId), 0), Generations::IsPendingRole).toBool());

        // ---- The server comes back on the same port: the write goes out by itself, exactly once.
        QVERIFY2(server.start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(server.port())}), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(status->isOnline(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(countOnServer(workspace, sessionId, offlinePrompt), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(cache.counts().outboxQueued, 0, 30000);
        // The pending card became the server's row: same place, no pending mark, then completed.
        QTRY_VERIFY_WITH_TIMEOUT(gallery->rowOf(localId) < 0, 30000);
        const int row = test::rowWithPrompt(gallery, offlinePrompt);
        QVERIFY(row >= 0);
        QVERIFY(!gallery->data(gallery->index(row, 0), Generations::IsPendingRole).toBool());
        QTRY_COMPARE_WITH_TIMEOUT(gallery->data(gallery->index(test::rowWithPrompt(gallery, offlinePrompt), 0), Generations::StatusRole)
                                      .toString(), QStringLiteral("completed"), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(status->pendingText().isEmpty(), 10000);

        // ---- The assistant is back too: the kept message's Retry gets an answer.
        QTRY_VERIFY_WITH_TIMEOUT(!drawer->showsOffline(), 30000);
        QPushButton *retry = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT([&] {
            for (QPushButton *button : drawer->conversationView()->findChildren<QPushButton *>()) {
                if (button->text() == QLatin1String("Retry") && button->isVisible() && button->isEnabled())
                    retry = button;
            }
            return retry != nullptr;
        }(), 10000);
        QTest::mouseClick(retry, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(!drawer->conversation()->isBusy() && drawer->conversation()->messages().size() >= 2
                                     && drawer->conversation()->messages().last().role == QLatin1String("assistant"), 30000);
        const QList<client::ConversationMessage> chat = drawer->conversation()->messages();
        QCOMPARE(chat.at(chat.size() - 2).content, question);
        QCOMPARE(chat.at(chat.size() - 2).state, State::Sent);

        // More flushes send nothing again.
        submitted.clear();
        window->context()->submitWrites();
        QVERIFY(submitted.wait(30000));
        QCOMPARE(submitted.last().at(0).toInt(), 0);
        QCOMPARE(workspace->outbox().flush().sent, 0);
        QCOMPARE(countOnServer(workspace, sessionId, offlinePrompt), 1);
        QCOMPARE(countOnServer(workspace, sessionId, firstPrompt), 1);
        int rowsWithPrompt = 0;
        for (int r = 0; r < gallery->rowCount(); ++r)
            rowsWithPrompt += gallery->data(gallery->index(r, 0), Generations::PromptRole).toString() == offlinePrompt ? 1 : 0;
        QCOMPARE(rowsWithPrompt, 1);
        QCOMPARE(cache.counts().outboxFailed, 0);

        window.reset();
        server.stop();
    }
};

QTEST_MAIN(TestAppOffline)
#include "tst_app_offline.moc"
