// The generation tracker against a real vesper-server: it resumes what the cache holds in flight,
// keeps polling while nothing moves, backs off while the server is away, and when the job finally
// runs it writes the finished generation (with its outputs) to the cache, says so, and goes idle —
// and idle means idle: no status poll is sent for several intervals afterwards.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/syncengine.h"
#include "client/tracking/generationtracker.h"
#include "testclient.h"
#include "testserver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

class TestGenerationTracker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void resumesBacksOffAndFinishes();
};

void TestGenerationTracker::resumesBacksOffAndFinishes()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0")); // nothing runs: the job waits
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient admin(server.baseUrl());
    const TestUser user = admin.signUp(QStringLiteral("tracker@example.com"));

    HttpClient http;
    ApiClient api(&http, server.baseUrl());
    api.setFixedToken(user.accessToken);
    const ApiResult<Project> project = api.createProject(QStringLiteral("Tracked"));
    QVERIFY(project.ok());
    const ApiResult<QList<Session>> sessions = api.sessions(project.value.id);
    QVERIFY(sessions.ok() && !sessions.value.isEmpty());
    GenerateParams params;
    params.sessionId = sessions.value.first().id;
    params.modelId = QStringLiteral("sketch");
    params.prompt = QStringLiteral("a slow lighthouse");
    params.resolution = QStringLiteral("512");
    const ApiResult<GenerateReply> generated = api.generate(params);
    QVERIFY2(generated.ok(), qPrintable(describe(generated.error)));

    QTemporaryDir dir;
    CacheDatabase database(dir.path());
    QVERIFY2(database.open(&reason), qPrintable(reason));
    CacheStore cache(database);
    SyncEngine sync(api, cache);
    QVERIFY(sync.syncNow().ok());
    QCOMPARE(cache.inFlightGenerations().size(), 1);

    // A new tracker (the app restarted) finds it in the cache and follows it.
    GenerationTracker tracker(api, cache);
    tracker.setBaseIntervalMs(200);
    QSignalSpy finished(&tracker, &GenerationTracker::finished);
    QSignalSpy failedPolls(&tracker, &GenerationTracker::pollFailed);
    QSignalSpy idle(&tracker, &GenerationTracker::idle);
    tracker.resume();
    QCOMPARE(tracker.inFlight(), QSet<QString>{generated.value.id});
    QTest::qWait(700);
    QCOMPARE(finished.size(), 0); // still queued: polled, nothing to report
    QCOMPARE(failedPolls.size(), 0);

    // The server goes away: polls fail and the interval grows.
    const quint16 port = server.port();
    server.stop();
    QTRY_VERIFY_WITH_TIMEOUT(failedPolls.size() >= 2, 20000);
    QVERIFY(tracker.currentIntervalMs() > 200);

    // It returns with workers: the job runs and the tracker brings the result home.
    server.setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("2"));
    QVERIFY2(server.start(&reason, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(reason));
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
    QCOMPARE(finished.first().at(0).toString(), generated.value.id);
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("completed"));
    QTRY_VERIFY(idle.size() >= 1);
    QVERIFY(tracker.inFlight().isEmpty());
    QCOMPARE(tracker.currentIntervalMs(), 200); // back to normal after a good poll
    // Nothing in flight: the polls stop (five intervals of 200 ms pass without one).
    const int pollsWhenIdle = tracker.polls();
    QVERIFY(pollsWhenIdle >= 2);
    QTest::qWait(1000);
    QCOMPARE(tracker.polls(), pollsWhenIdle);
    const std::optional<Generation> cached = cache.generation(generated.value.id);
    QVERIFY(cached);
    QCOMPARE(cached->status, GenerationStatus::Completed);
    QVERIFY(cached->outputs && cached->outputs->size() == 1);
    QVERIFY(cache.inFlightGenerations().isEmpty());
}

QTEST_GUILESS_MAIN(TestGenerationTracker)
#include "tst_generationtracker.moc"
