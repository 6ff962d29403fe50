// PromptBar against a real vesper-server: Generate stays disabled (with the reason — on this team
// server an unavailable model is its administrator's to set up) until a session, an available model
// and a prompt are there; Ctrl+Return queues the request in the outbox — a pending
// row in the cache at once — and sends it, the server has the generation and the tracker brings it
// home completed. A PNG added as a reference is uploaded and its id goes with the request. setPrompt
// and applySettings are undoable and complete; the last choices are remembered. The viewer then shows
// the real full image. Screenshots of both land in /tmp. Cancel on a running card's button: the
// server reports the generation cancelled and the card shows it.
#include "fakegemini.h"
#include "testclient.h"
#include "testserver.h"

#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/generationcarddelegate.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/promptbar.h"
#include "ui/prompt/referencestrip.h"
#include "ui/prompt/seededit.h"
#include "ui/viewer/imagecanvas.h"
#include "ui/viewer/viewerview.h"

#include <QAction>
#include <QComboBox>
#include <QJsonArray>
#include <QPlainTextEdit>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::ui;
using namespace vesper::test;

class TestPromptBar : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    FakeGemini m_gemini;
    TestServer m_server;
    std::unique_ptr<Workspace> m_ws;
    UiContext m_ctx;
    QString m_sessionId;

    /// The server's generation of this session with that prompt (empty id while none).
    Generation onServer(const QString &prompt)
    {
        const ApiResult<Page<Generation>> page = m_ws->api().generations(m_sessionId, 50);
        for (const Generation &g : page.value.items) {
            if (g.prompt == prompt)
                return g;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        QVERIFY2(m_gemini.start(&reason), qPrintable(reason));
        m_server.setEnv(QStringLiteral("GEMINI_API_KEY"), FakeGemini::key());
        m_server.setEnv(QStringLiteral("VESPER_GEMINI_URL"), m_gemini.baseUrl());
        m_server.setEnv(QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000"));
        QVERIFY2(m_server.start(&reason), qPrintable(reason));
        TestClient admin(m_server.baseUrl());
        const TestUser user = admin.signUp(QStringLiteral("painter@example.com"));
        QVERIFY(!user.id.isEmpty());

        WorkspaceOptions options;
        options.serverUrl = m_server.baseUrl();
        options.accountKey = m_server.baseUrl();
        options.fixedToken = user.accessToken;
        options.fixedUserId = user.id;
        options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
        options.configDir = m_dir.filePath(QStringLiteral("config"));
        m_ws = std::make_unique<Workspace>(options);
        QVERIFY(m_ws->open().ok());
        QVERIFY(m_ws->sync().syncNow().ok()); // the bootstrap brings the models
        m_ws->tracker().setBaseIntervalMs(200);
        m_ctx.setWorkspace(m_ws.get(), false);

        // A project and a session made the way the app makes them: through the outbox.
        const OutboxWrite project = m_ws->outbox().createProject(QStringLiteral("Posters"));
        const OutboxWrite session = m_ws->outbox().createSession(project.localId, QStringLiteral("Lighthouses"));
        QVERIFY(project.ok() && session.ok());
        const FlushReport sent = m_ws->outbox().flush();
        QVERIFY2(sent.stoppedBy.ok(), qPrintable(sent.stoppedBy.message));
        m_sessionId = sent.createdIds.value(session.localId);
        QVERIFY(!m_sessionId.isEmpty());
    }

    void cleanupTestCase()
    {
        m_ctx.setWorkspace(nullptr, false);
        m_ws.reset();
        m_server.stop(); // before the fake Gemini goes away
    }

    void generateIsDisabledWithAReason()
    {
        PromptBar bar(&m_ctx);
        QVERIFY(!bar.generateAction()->isEnabled());
        QVERIFY2(bar.disabledReason().contains(QStringLiteral("session")), qPrintable(bar.disabledReason()));
        bar.setSession(m_sessionId);
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("sketch")));
        QVERIFY2(bar.disabledReason().contains(QStringLiteral("prompt")), qPrintable(bar.disabledReason()));
        QVERIFY(bar.generateAction()->toolTip().contains(bar.generateAction()->shortcut().toString(QKeySequence::NativeText)));
        // A model whose provider is not configured is greyed out with the reason.
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("replicate-flux")));
        bar.setPrompt(QStringLiteral("anything"));
        QVERIFY(!bar.generateAction()->isEnabled());
        // This is a team server: its administrator sets providers up, not this app's Settings ▸ Providers.
        QVERIFY2(bar.disabledReason().contains(QStringLiteral("administrator")), qPrintable(bar.disabledReason()));
        QVERIFY2(!bar.disabledReason().contains(QStringLiteral("Settings")), qPrintable(bar.disabledReason()));
        const int row = bar.modelPicker()->findData(QStringLiteral("replicate-flux"));
        QVERIFY(bar.modelPicker()->itemData(row, Qt::ToolTipRole).toString().contains(QStringLiteral("not configured")));
        QVERIFY(bar.modelPicker()->itemText(bar.modelPicker()->findData(QStringLiteral("sketch"))).contains(QStringLiteral("free")));
    }

    void ctrlReturnQueuesAndTheTrackerFinishesIt()
    {
        PromptBar bar(&m_ctx);
        bar.resize(1100, 150);
        bar.show();
        QVERIFY(QTest::qWaitForWindowActive(&bar));
        bar.setSession(m_sessionId);
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("sketch")));
        bar.countBox()->setValue(2);
        bar.focusPrompt();
        const QString prompt = QStringLiteral("a lighthouse at dusk");
        QTest::keyClicks(bar.promptEdit(), prompt);
        QVERIFY2(bar.generateAction()->isEnabled(), qPrintable(bar.disabledReason()));
        bar.grab().save(QStringLiteral("/tmp/promptviewer-promptbar.png"));

        QSignalSpy queued(&bar, &PromptBar::generationQueued);
        QTest::keyClick(bar.promptEdit(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(queued.size(), 1);
        const QString localId = queued.first().first().toString();
        // The pending row is in the cache at once, before anything reached the server.
        const std::optional<Generation> pending = m_ws->cache().generation(localId);
        QVERIFY(pending);
        QCOMPARE(pending->prompt, prompt);
        QCOMPARE(pending->modelId, QStringLiteral("sketch"));
        QCOMPARE(pending->parameters.value(QStringLiteral("numOutputs")).toInt(), 2);
        QCOMPARE(bar.prompt(), prompt); // kept for the next variation
        QVERIFY(!bar.promptEdit()->toPlainText().contains(QLatin1Char('\n'))); // Ctrl+Return did not type a newline

        QTRY_VERIFY_WITH_TIMEOUT(!onServer(prompt).id.isEmpty(), 20000);
        const QString serverId = onServer(prompt).id;
        QTRY_VERIFY_WITH_TIMEOUT(m_ws->cache().generation(serverId) &&
                                     m_ws->cache().generation(serverId)->status == GenerationStatus::Completed, 60000);
        const std::optional<Generation> done = m_ws->cache().generation(serverId);
        QVERIFY(done->outputs && done->outputs->size() == 2);

        // The viewer shows the real full image (the thumbnail meanwhile).
        GenerationListModel model(m_ws->cache());
        model.showSession(m_sessionId);
        connect(&m_ctx, &UiContext::cacheChanged, &model, &GenerationListModel::applyChanges);
        QTRY_VERIFY(model.rowOf(serverId) >= 0);
        ViewerView viewer(&m_ctx);
        viewer.resize(1100, 700);
        viewer.show();
        QVERIFY(QTest::qWaitForWindowExposed(&viewer));
        viewer.open(&model, serverId, done->outputs->first().id);
        QTRY_COMPARE_WITH_TIMEOUT(viewer.canvas()->image().width(), int(*done->outputs->first().width), 20000);
        viewer.grab().save(QStringLiteral("/tmp/promptviewer-viewer.png"));
        // Save as… writes the original's bytes.
        QSignalSpy saved(&viewer, &ViewerView::saved);
        const QString target = m_dir.filePath(QStringLiteral("saved.png"));
        viewer.saveTo(target);
        QTRY_COMPARE_WITH_TIMEOUT(saved.size(), 1, 20000);
        QCOMPARE(QImage(target).size(), QSize(int(*done->outputs->first().width), int(*done->outputs->first().height)));
    }

    // Cancel on a running card: the card's button asks the server, which reports the generation
    // cancelled, and the card shows it (the fake Gemini holds its answer so the work is still running).
    void cancelOnARunningCard()
    {
        m_gemini.setDelayMs(15000);
        const auto restore = qScopeGuard([this] { m_gemini.setDelayMs(0); });
        PromptBar bar(&m_ctx);
        bar.setSession(m_sessionId);
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("gemini-image")));
        const QString prompt = QStringLiteral("a slow lighthouse to cancel");
        bar.setPrompt(prompt);
        QVERIFY2(bar.generateAction()->isEnabled(), qPrintable(bar.disabledReason()));
        bar.generateAction()->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!onServer(prompt).id.isEmpty(), 20000);
        const QString serverId = onServer(prompt).id;
        QVERIFY(onServer(prompt).status == GenerationStatus::Queued || onServer(prompt).status == GenerationStatus::Processing);

        ui::SessionGalleryView view(&m_ctx);
        view.setSession(m_sessionId);
        view.resize(700, 500);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowOf(serverId) >= 0, 20000);
        const QModelIndex card = view.model()->index(view.model()->rowOf(serverId), 0);
        view.grid()->scrollTo(card);
        auto *delegate = qobject_cast<ui::GenerationCardDelegate *>(view.grid()->itemDelegate());
        QVERIFY(delegate);
        QStyleOptionViewItem option;
        option.initFrom(view.grid()->viewport());
        option.rect = view.grid()->visualRect(card);
        option.font = view.grid()->font();
        const QRect button = delegate->buttonRect(option, card);
        QVERIFY(!button.isEmpty());
        QTest::mouseMove(view.grid()->viewport(), button.center());
        QTest::mouseClick(view.grid()->viewport(), Qt::LeftButton, {}, button.center());

        QTRY_VERIFY_WITH_TIMEOUT(onServer(prompt).status == GenerationStatus::Cancelled, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->index(view.model()->rowOf(serverId), 0).data(GenerationListModel::StatusRole).toString()
                                     == QLatin1String("cancelled"), 20000);
    }

    void referenceUploadGoesWithTheRequest()
    {
        PromptBar bar(&m_ctx);
        bar.resize(1100, 200);
        bar.show();
        QVERIFY(QTest::qWaitForWindowExposed(&bar));
        bar.setSession(m_sessionId);
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("gemini-image")));
        QVERIFY2(bar.modelPicker()->currentModel()->available, "the fake Gemini should make its model available");
        QImage picture(64, 48, QImage::Format_RGB32);
        picture.fill(QColor(30, 120, 200));
        const QString file = m_dir.filePath(QStringLiteral("reference.png"));
        QVERIFY(picture.save(file));
        bar.addReferenceFile(file);
        QCOMPARE(bar.references()->count(), 1);
        QVERIFY(!bar.generateAction()->isEnabled()); // still uploading
        QTRY_COMPARE_WITH_TIMEOUT(bar.references()->uploadIds().size(), 1, 20000);
        const QString uploadId = bar.references()->uploadIds().first();
        // Sketch takes none: Generate says so.
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("sketch")));
        bar.setPrompt(QStringLiteral("the same lighthouse, in blue"));
        QVERIFY(!bar.generateAction()->isEnabled());
        QVERIFY2(bar.disabledReason().contains(QStringLiteral("no reference images")), qPrintable(bar.disabledReason()));
        QVERIFY(bar.modelPicker()->selectModel(QStringLiteral("gemini-image")));
        QVERIFY2(bar.generateAction()->isEnabled(), qPrintable(bar.disabledReason()));
        bar.grab().save(QStringLiteral("/tmp/promptviewer-promptbar-reference.png"));
        QSignalSpy queued(&bar, &PromptBar::generationQueued);
        bar.generateAction()->trigger();
        QCOMPARE(queued.size(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!onServer(bar.prompt()).id.isEmpty(), 20000);
        const QJsonArray references = onServer(bar.prompt()).parameters.value(QStringLiteral("referenceUploadIds")).toArray();
        QCOMPARE(references.size(), 1);
        QCOMPARE(references.first().toString(), uploadId);
        // The fake Gemini paints it; nothing is left running against the fake when the test ends.
        QTRY_VERIFY_WITH_TIMEOUT(onServer(bar.prompt()).isFinished(), 60000);
        QCOMPARE(onServer(bar.prompt()).status, GenerationStatus::Completed);
        QVERIFY(!m_gemini.calls().isEmpty());

        // The last choices come back in a new bar.
        PromptBar next(&m_ctx);
        QCOMPARE(next.modelPicker()->currentModelId(), QStringLiteral("gemini-image"));
        QCOMPARE(next.resolutionPicker()->currentText(), bar.resolutionPicker()->currentText());
    }

    void setPromptAndApplySettingsAreUndoable()
    {
        PromptBar bar(&m_ctx);
        bar.setPrompt(QStringLiteral("first idea"));
        bar.setPrompt(QStringLiteral("second idea"));
        QCOMPARE(bar.prompt(), QStringLiteral("second idea"));
        bar.promptEdit()->undo();
        QCOMPARE(bar.prompt(), QStringLiteral("first idea"));

        Generation g;
        g.modelId = QStringLiteral("sketch");
        g.prompt = QStringLiteral("reused prompt");
        g.negativePrompt = QStringLiteral("blur");
        g.parameters = QJsonObject{{QStringLiteral("aspectRatio"), QStringLiteral("16:9")},
                                   {QStringLiteral("resolution"), QStringLiteral("1024")},
                                   {QStringLiteral("numOutputs"), 3},
                                   {QStringLiteral("seed"), 4242}};
        bar.applySettings(g);
        QCOMPARE(bar.prompt(), g.prompt);
        QCOMPARE(bar.negativePrompt(), g.negativePrompt);
        QCOMPARE(bar.modelPicker()->currentModelId(), g.modelId);
        QCOMPARE(bar.aspectPicker()->currentText(), QStringLiteral("16:9"));
        QCOMPARE(bar.resolutionPicker()->currentText(), QStringLiteral("1024"));
        QCOMPARE(bar.countBox()->value(), 3);
        QCOMPARE(bar.seedEdit()->seed(), std::optional<qint64>(4242));
        bar.promptEdit()->undo();
        QCOMPARE(bar.prompt(), QStringLiteral("first idea"));
    }

    void offlineReferencesSayWhy()
    {
        UiContext detached;
        PromptBar bar(&detached);
        QSignalSpy messages(&detached, &UiContext::message);
        bar.addReferenceFile(m_dir.filePath(QStringLiteral("reference.png")));
        QCOMPARE(messages.size(), 1);
        QVERIFY(messages.first().at(1).toString().contains(QStringLiteral("server to be reachable")));
        QCOMPARE(bar.references()->count(), 0);
    }
};

QTEST_MAIN(TestPromptBar)
#include "tst_promptbar.moc"
