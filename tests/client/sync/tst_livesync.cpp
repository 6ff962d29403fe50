// SyncEngine on the server's change stream (a real vesper-server): after the first pass it goes
// live; a project another client makes arrives in the cache with no poll (no pass runs); progress
// of a running generation is written to the cache as it is pushed; the generation tracker rests
// while the stream is up and polls when it is down; killing the server ends the
// stream without a crash, the engine falls back to polling and goes live again when a server is back;
// a server that answers 404 for the stream (behind a proxy here) is asked once, and polled.
#include "apifixtures.h"
#include "fakehttpserver.h"
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/livechanges.h"
#include "client/sync/syncengine.h"
#include "client/tracking/generationtracker.h"
#include "generationfixture.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < timeoutMs)
        QTest::qWait(20);
    return condition();
}

/// Forwards a request to the real server at base as it came (runs on the fake's thread), but
/// answers 404 for the change stream, as a server from before the stream would.
FakeResponse forwardWithoutStream(const QString &base, const FakeRequest &request)
{
    if (request.path == QLatin1String("/api/changes/stream"))
        return FakeResponse::json(404, {{QStringLiteral("code"), QStringLiteral("NOT_FOUND")}});
    QHash<QByteArray, QByteArray> headers = request.headers;
    for (const char *hop : {"host", "content-length", "connection", "accept-encoding"})
        headers.remove(hop);
    const QString query = request.query.isEmpty() ? QString() : QLatin1Char('?') + request.query.toString(QUrl::FullyEncoded);
    const Reply reply = TestClient(base).send(request.method, request.path + query, request.body, {}, headers);
    if (reply.status == 0)
        return FakeResponse::drop();
    FakeResponse response = FakeResponse::bytes(reply.status, reply.body, reply.headers.value("content-type"));
    for (auto it = reply.headers.begin(); it != reply.headers.end(); ++it) {
        if (it.key() != "content-type" && it.key() != "content-length" && it.key() != "content-encoding"
            && it.key() != "transfer-encoding" && it.key() != "connection")
            response.header(it.key(), it.value());
    }
    return response;
}
} // namespace

class TestLiveSync : public QObject {
    Q_OBJECT

    struct Client {
        HttpClient http;
        ApiClient api;
        QTemporaryDir dir;
        CacheDatabase database;
        CacheStore cache;
        SyncEngine sync;
        Client(const QString &base, const QString &token)
            : api(&http, base), database(dir.path()), cache(database), sync(api, cache)
        {
            api.setFixedToken(token);
        }
    };

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_other;
    TestUser m_user;

    std::unique_ptr<Client> newClient()
    {
        auto c = std::make_unique<Client>(m_server->baseUrl(), m_user.accessToken);
        QString error;
        if (!c->database.open(&error))
            qWarning() << error;
        return c;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_STREAM_HEARTBEAT_SECONDS"), QStringLiteral("1"));
        QVERIFY2(m_server->start(&reason), qPrintable(reason));
        m_other = std::make_unique<TestClient>(m_server->baseUrl());
        m_user = m_other->signUp(QStringLiteral("live@example.com"));
        QVERIFY(!m_user.id.isEmpty());
    }

    void changeFromAnotherClientArrivesWithoutAPoll()
    {
        auto c = newClient();
        QVERIFY(c->sync.syncNow().ok());
        std::atomic<int> passes{0};
        connect(&c->sync, &SyncEngine::started, &c->sync, [&passes] { ++passes; }, Qt::DirectConnection);
        c->sync.setLive(true);
        QVERIFY(waitUntil([&] { return c->sync.isLive(); }, 10000));
        const int passesBefore = passes.load();
        const QString project = createProject(*m_other, m_user, QStringLiteral("made elsewhere"), false);
        QVERIFY(!project.isEmpty());
        QVERIFY(waitUntil([&] { return c->cache.project(project).has_value(); }, 10000));
        QCOMPARE(passes.load(), passesBefore); // no pass ran: the stream brought it
        c->sync.requestSync();                 // skipped while live
        QTest::qWait(200);
        QCOMPARE(passes.load(), passesBefore);
    }

    void pushedProgressReachesTheCache()
    {
        auto c = newClient();
        QVERIFY(c->sync.syncNow().ok());
        const QString project = createProject(*m_other, m_user, QStringLiteral("progress"), false);
        const QString session = firstSession(*m_other, m_user, project);
        c->sync.setLive(true);
        QVERIFY(waitUntil([&] { return c->sync.isLive(); }, 10000));
        std::atomic<int> ticks{0};
        connect(&c->sync, &SyncEngine::generationProgress, &c->sync, [&ticks](const QString &, int, bool) { ++ticks; },
                Qt::DirectConnection);
        const Reply started = m_other->post(QStringLiteral("/api/generate"),
                                            generateBody(session, newClientId(), 4, QStringLiteral("1:1"), QStringLiteral("1024")),
                                            m_user.accessToken);
        QCOMPARE(started.status, 202);
        const QString id = started.json.value(QStringLiteral("id")).toString();
        QVERIFY(waitUntil([&] { return ticks.load() > 0; }, 30000));
        QVERIFY(waitUntil([&] {
            const auto g = c->cache.generation(id);
            return g && g->status == GenerationStatus::Completed;
        }, 30000));
    }

    // The tracker, wired as the workspace wires it, polls nothing while the stream is up: progress
    // and the end come from the sync. When the stream ends it polls again, at once.
    void trackerRestsWhileLive()
    {
        auto c = newClient();
        QVERIFY(c->sync.syncNow().ok());
        GenerationTracker tracker(c->api, c->cache);
        tracker.setBaseIntervalMs(200);
        connect(&c->sync, &SyncEngine::liveChanged, &tracker, &GenerationTracker::setStreamed);
        connect(&c->sync, &SyncEngine::changed, &tracker, &GenerationTracker::noteChanges);
        connect(&c->sync, &SyncEngine::generationProgress, &tracker, &GenerationTracker::noteProgress);
        QSignalSpy finished(&tracker, &GenerationTracker::finished);
        QSignalSpy progressed(&tracker, &GenerationTracker::progressed);
        const QString project = createProject(*m_other, m_user, QStringLiteral("tracked"), false);
        const QString session = firstSession(*m_other, m_user, project);
        c->sync.setLive(true);
        QVERIFY(waitUntil([&] { return c->sync.isLive() && tracker.isStreamed(); }, 10000));

        auto generate = [&] {
            const Reply started = m_other->post(QStringLiteral("/api/generate"),
                                                generateBody(session, newClientId(), 2, QStringLiteral("1:1"), QStringLiteral("1024")),
                                                m_user.accessToken);
            return started.status == 202 ? started.json.value(QStringLiteral("id")).toString() : QString();
        };
        const QString first = generate();
        QVERIFY(!first.isEmpty());
        tracker.track({first});
        QVERIFY(waitUntil([&] { return finished.size() == 1; }, 30000));
        QCOMPARE(finished.at(0).at(0).toString(), first);
        QCOMPARE(finished.at(0).at(1).toString(), QStringLiteral("completed"));
        QVERIFY(!progressed.isEmpty());
        QCOMPARE(tracker.polls(), 0);
        QVERIFY(tracker.inFlight().isEmpty());

        // The stream ends: a generation followed from then on is polled to its end.
        c->sync.setLive(false);
        QVERIFY(waitUntil([&] { return !tracker.isStreamed(); }, 10000));
        const QString second = generate();
        QVERIFY(!second.isEmpty());
        tracker.track({second});
        QVERIFY(waitUntil([&] { return finished.size() == 2; }, 30000));
        QCOMPARE(finished.at(1).at(0).toString(), second);
        QVERIFY(tracker.polls() > 0);
    }

    // Behind a proxy that answers 404 for the stream: LiveChanges asks once and gives up
    // (unsupported()), the engine never goes live, and the timer's polls bring a change made elsewhere.
    void serverWithoutTheStreamIsPolled()
    {
        FakeHttpServer proxy([base = m_server->baseUrl()](const FakeRequest &r) { return forwardWithoutStream(base, r); });
        QString error;
        QVERIFY2(proxy.start(&error), qPrintable(error));
        auto c = std::make_unique<Client>(proxy.baseUrl(), m_user.accessToken);
        QVERIFY2(c->database.open(&error), qPrintable(error));
        QVERIFY(c->sync.syncNow().ok()); // the bootstrap and first pass, through the proxy

        std::atomic<int> wentLive{0};
        LiveChanges::Hooks hooks;
        hooks.position = [] { return QStringLiteral("0"); };
        hooks.applyPage = [](const QString &, const QJsonObject &, const QString &) { return false; };
        hooks.liveChanged = [&wentLive](bool live) { wentLive += live; };
        LiveChanges live(c->api, hooks);
        live.start();
        QVERIFY(waitUntil([&] { return live.unsupported(); }, 10000));
        QCOMPARE(wentLive.load(), 0);
        QCOMPARE(live.connections(), 0);
        live.stop();

        proxy.clearRequests();
        c->sync.setInterval(200);
        c->sync.setLive(true);
        QVERIFY(waitUntil([&] { return proxy.count("GET", QStringLiteral("/api/changes/stream")) == 1; }, 10000));
        const QString project = createProject(*m_other, m_user, QStringLiteral("polled, not pushed"), false);
        QVERIFY(!project.isEmpty());
        QVERIFY(waitUntil([&] { return c->cache.project(project).has_value(); }, 10000));
        QTest::qWait(1500); // a retry would have come by now (the first backoff is at most 500 ms)
        QCOMPARE(proxy.count("GET", QStringLiteral("/api/changes/stream")), 1);
        QVERIFY(!c->sync.isLive());
        QCOMPARE(c->sync.liveConnections(), 0);
        int polls = 0;
        for (const FakeRequest &r : proxy.requests())
            polls += r.path == QLatin1String("/api/changes");
        QVERIFY2(polls >= 2, qPrintable(QString::number(polls))); // the timer kept polling
        c->sync.shutdown();
    }

    void serverKilledFallsBackThenReconnects()
    {
        auto c = newClient();
        QVERIFY(c->sync.syncNow().ok());
        c->sync.setLive(true);
        QVERIFY(waitUntil([&] { return c->sync.isLive(); }, 10000));
        const int connectionsBefore = c->sync.liveConnections();
        const quint16 port = m_server->port();
        m_server->kill();
        QVERIFY(waitUntil([&] { return !c->sync.isLive(); }, 10000)); // fallback: polling again
        QVERIFY(!c->sync.syncNow().ok()); // a pass fails as any poll would; nothing crashes
        // The server comes back on the same port: the stream reconnects by itself (with backoff).
        QString error;
        QVERIFY2(m_server->start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(error));
        QCOMPARE(m_server->port(), port);
        QVERIFY(waitUntil([&] { return c->sync.isLive(); }, 40000));
        QVERIFY(c->sync.liveConnections() > connectionsBefore);
        const QString project = createProject(*m_other, m_user, QStringLiteral("after the restart"), false);
        QVERIFY(!project.isEmpty());
        QVERIFY(waitUntil([&] { return c->cache.project(project).has_value(); }, 10000));
    }
};

QTEST_MAIN(TestLiveSync)
#include "tst_livesync.moc"
