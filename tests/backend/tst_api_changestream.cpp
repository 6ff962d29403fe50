// GET /api/changes/stream against a real server (both databases): a write shows up as a "changes"
// event shaped like GET /api/changes; a reconnect with Last-Event-ID resumes with no gap and no
// repeat; another user's private project never appears; heartbeats arrive; streams past the
// per-user cap are refused (429), past the server's cap too (503, polling still answers); a client that leaves is cleaned up (the open-streams gauge), and frees
// its slot within a second, long before the next heartbeat; progress
// events come for the caller's running generation; and, on PostgreSQL, a write on one instance
// reaches a stream on another.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "ssereader.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QThread>

using namespace vesper::test;

namespace {
QJsonObject jsonOf(const SseTestEvent &event)
{
    return QJsonDocument::fromJson(event.data).object();
}

bool mentions(const SseTestEvent &event, const QString &id)
{
    return event.event == "changes" && event.data.contains(id.toUtf8());
}

/// The revs of every change in the stream's "changes" events, in order.
QList<qint64> revsOf(const QList<SseTestEvent> &events)
{
    QList<qint64> revs;
    for (const SseTestEvent &e : events) {
        if (e.event != "changes")
            continue;
        for (const QJsonValue &change : jsonOf(e).value(QStringLiteral("changes")).toArray())
            revs << change.toObject().value(QStringLiteral("rev")).toInteger();
    }
    return revs;
}
} // namespace

class TestApiChangeStream : public QObject {
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    TestUser m_alice, m_bob;

    double gauge(const QString &name)
    {
        const Reply reply = m_client->get(QStringLiteral("/metrics"));
        for (const QByteArray &line : reply.body.split('\n')) {
            if (line.startsWith(QByteArray(name.toUtf8() + ' ')))
                return line.mid(name.size() + 1).toDouble();
        }
        return -1;
    }

    bool waitGauge(const QString &name, double value, int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            if (gauge(name) == value)
                return true;
            QThread::msleep(100);
        }
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_STREAM_HEARTBEAT_SECONDS"), QStringLiteral("1"));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_client = std::make_unique<TestClient>(m_server->baseUrl());
        m_alice = m_client->signUp(QStringLiteral("alice-stream@example.com"));
        m_bob = m_client->signUp(QStringLiteral("bob-stream@example.com"));
        QVERIFY(!m_alice.id.isEmpty() && !m_bob.id.isEmpty());
    }

    void cleanupTestCase() { m_server.reset(); }

    void writeShowsUpAsAChangesEvent()
    {
        SseReader stream;
        QVERIFY2(stream.open(m_server->port(), m_alice.accessToken, "/api/changes/stream"), stream.head().constData());
        QVERIFY(stream.head().toLower().contains("content-type: text/event-stream"));
        const QString project = createProject(*m_client, m_alice, QStringLiteral("streamed"), false);
        QVERIFY(!project.isEmpty());
        SseTestEvent event;
        QVERIFY2(stream.waitFor([&](const SseTestEvent &e) { return mentions(e, project); }, 10000, &event),
                 qPrintable(QString::number(stream.events().size())));
        const QJsonObject page = jsonOf(event);
        QVERIFY(page.value(QStringLiteral("changes")).isArray());
        QVERIFY(page.contains(QStringLiteral("hasMore")));
        QCOMPARE(event.id, page.value(QStringLiteral("nextSince")).toString().toUtf8()); // the resume point
    }

    void resumeWithLastEventIdHasNoGapNoRepeat()
    {
        const TestUser carol = m_client->signUp(QStringLiteral("carol-stream@example.com"));
        QByteArray lastId;
        QList<SseTestEvent> first;
        {
            SseReader stream;
            QVERIFY(stream.open(m_server->port(), carol.accessToken, "/api/changes/stream?since=0"));
            const QString p1 = createProject(*m_client, carol, QStringLiteral("one"), false);
            QVERIFY(stream.waitFor([&](const SseTestEvent &e) { return mentions(e, p1); }));
            stream.pump(300);
            first = stream.events();
            lastId = first.last().id;
            stream.close();
        }
        const QString p2 = createProject(*m_client, carol, QStringLiteral("two"), false);
        const QString p3 = createProject(*m_client, carol, QStringLiteral("three"), true);
        SseReader resumed;
        QVERIFY(resumed.open(m_server->port(), carol.accessToken, "/api/changes/stream", lastId));
        QVERIFY(resumed.waitFor([&](const SseTestEvent &e) { return mentions(e, p3); }));
        resumed.pump(300);
        // Together the two streams hold exactly what the feed holds from 0: every rev once, in order.
        const QList<qint64> streamed = revsOf(first) + revsOf(resumed.events());
        QList<qint64> feed;
        qint64 since = 0;
        for (bool more = true; more;) {
            const Reply page = m_client->get(QStringLiteral("/api/changes?since=%1").arg(since), carol.accessToken);
            QCOMPARE(page.status, 200);
            for (const QJsonValue &change : page.json.value(QStringLiteral("changes")).toArray())
                feed << change.toObject().value(QStringLiteral("rev")).toInteger();
            since = page.json.value(QStringLiteral("nextSince")).toString().toLongLong();
            more = page.json.value(QStringLiteral("hasMore")).toBool();
        }
        QCOMPARE(streamed, feed);
        bool sawP2 = false;
        for (const SseTestEvent &e : resumed.events())
            sawP2 = sawP2 || mentions(e, p2);
        QVERIFY(sawP2);
    }

    void anotherUsersPrivateProjectNeverAppears()
    {
        SseReader bobStream;
        QVERIFY(bobStream.open(m_server->port(), m_bob.accessToken, "/api/changes/stream"));
        const QString secret = createProject(*m_client, m_alice, QStringLiteral("alice only"), false);
        const QString sharedNotMember = createProject(*m_client, m_alice, QStringLiteral("shared, bob not invited"), true);
        // Bob's own write comes after Alice's: once his stream shows it, hers would have come before.
        const QString marker = createProject(*m_client, m_bob, QStringLiteral("bob marker"), false);
        QVERIFY(bobStream.waitFor([&](const SseTestEvent &e) { return mentions(e, marker); }));
        bobStream.pump(200);
        for (const SseTestEvent &e : bobStream.events()) {
            QVERIFY2(!e.data.contains(secret.toUtf8()), e.data.constData());
            QVERIFY2(!e.data.contains(sharedNotMember.toUtf8()), e.data.constData());
        }
    }

    void heartbeatsArrive()
    {
        SseReader stream;
        QVERIFY(stream.open(m_server->port(), m_bob.accessToken, "/api/changes/stream"));
        stream.pump(2600); // heartbeat every second in this test server
        QVERIFY2(stream.comments() >= 3, qPrintable(QString::number(stream.comments()))); // ": open" + 2 beats
        QVERIFY(stream.isConnected());
    }

    void refusesPastThePerUserCapAndBadPositions()
    {
        const TestUser dave = m_client->signUp(QStringLiteral("dave-stream@example.com"));
        std::vector<std::unique_ptr<SseReader>> open;
        for (int i = 0; i < 4; ++i) {
            open.push_back(std::make_unique<SseReader>());
            QVERIFY(open.back()->open(m_server->port(), dave.accessToken, "/api/changes/stream"));
        }
        SseReader fifth;
        QVERIFY(!fifth.open(m_server->port(), dave.accessToken, "/api/changes/stream"));
        QCOMPARE(fifth.status(), 429);
        QVERIFY(fifth.head().toLower().contains("retry-after"));
        SseReader bad;
        QVERIFY(!bad.open(m_server->port(), m_bob.accessToken, "/api/changes/stream", "abc"));
        QCOMPARE(bad.status(), 400);
        SseReader anonymous;
        QVERIFY(!anonymous.open(m_server->port(), QString(), "/api/changes/stream"));
        QCOMPARE(anonymous.status(), 401);
    }

    // VESPER_MAX_STREAMS caps streams of all users together: past it 503 with Retry-After (the
    // client polls /api/changes meanwhile, which still answers), and a slot freed is taken again.
    void refusesPastTheServerCapWith503()
    {
        TestServer server;
        server.setEnv(QStringLiteral("VESPER_MAX_STREAMS"), QStringLiteral("2"));
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        TestClient client(server.baseUrl());
        const TestUser frank = client.signUp(QStringLiteral("frank-stream@example.com"));
        const TestUser gina = client.signUp(QStringLiteral("gina-stream@example.com"));
        SseReader first, second;
        QVERIFY(first.open(server.port(), frank.accessToken, "/api/changes/stream"));
        QVERIFY(second.open(server.port(), gina.accessToken, "/api/changes/stream"));
        SseReader third; // gina is under her own cap of 4: the server's is what refuses
        QVERIFY(!third.open(server.port(), gina.accessToken, "/api/changes/stream"));
        QCOMPARE(third.status(), 503);
        QVERIFY(third.head().toLower().contains("retry-after"));
        EXPECT_STATUS(client.get(QStringLiteral("/api/changes?since=0"), gina.accessToken), 200);
        first.close();
        QElapsedTimer timer;
        timer.start();
        bool reopened = false;
        while (!reopened && timer.elapsed() < 5000) {
            SseReader again;
            reopened = again.open(server.port(), gina.accessToken, "/api/changes/stream");
            if (!reopened) {
                QCOMPARE(again.status(), 503);
                QThread::msleep(200);
            }
        }
        QVERIFY2(reopened, "the slot of a closed stream stayed taken");
    }

    void clientThatLeavesIsCleanedUp()
    {
        QVERIFY(waitGauge(QStringLiteral("vesper_change_streams_open"), 0)); // earlier tests' streams are gone
        std::vector<std::unique_ptr<SseReader>> streams;
        for (int i = 0; i < 3; ++i) {
            streams.push_back(std::make_unique<SseReader>());
            QVERIFY(streams.back()->open(m_server->port(), m_alice.accessToken, "/api/changes/stream"));
        }
        QCOMPARE(gauge(QStringLiteral("vesper_change_streams_open")), 3.0);
        for (auto &s : streams)
            s->close();
        // Found on the next heartbeats (one a second here).
        QVERIFY2(waitGauge(QStringLiteral("vesper_change_streams_open"), 0), qPrintable(QString::number(gauge(QStringLiteral("vesper_change_streams_open")))));
        QCOMPARE(gauge(QStringLiteral("vesper_http_open_streams")), 0.0);
    }

    // With heartbeats a minute apart, a client that hangs up still frees its slot within about a
    // second: a reconnect right after (one stream allowed) is taken, not refused until the heartbeat.
    void aClosedStreamFreesItsSlotAtOnce()
    {
        TestServer server;
        server.setEnv(QStringLiteral("VESPER_STREAM_HEARTBEAT_SECONDS"), QStringLiteral("60"));
        server.setEnv(QStringLiteral("VESPER_STREAMS_PER_USER"), QStringLiteral("1"));
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        TestClient client(server.baseUrl());
        const TestUser erin = client.signUp(QStringLiteral("erin-stream@example.com"));
        SseReader first;
        QVERIFY(first.open(server.port(), erin.accessToken, "/api/changes/stream"));
        SseReader refused;
        QVERIFY(!refused.open(server.port(), erin.accessToken, "/api/changes/stream"));
        QCOMPARE(refused.status(), 429); // the cap is one
        first.close();
        QElapsedTimer timer;
        timer.start();
        bool reopened = false;
        while (!reopened && timer.elapsed() < 5000) {
            SseReader again;
            reopened = again.open(server.port(), erin.accessToken, "/api/changes/stream");
            if (!reopened)
                QThread::msleep(200);
        }
        QVERIFY2(reopened, "the slot of a closed stream stayed taken");
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    void progressOfTheCallersRunningGeneration()
    {
        const QString project = createProject(*m_client, m_alice, QStringLiteral("progress"), false);
        const QString session = firstSession(*m_client, m_alice, project);
        QVERIFY(!session.isEmpty());
        SseReader stream;
        QVERIFY(stream.open(m_server->port(), m_alice.accessToken, "/api/changes/stream"));
        SseReader bobStream;
        QVERIFY(bobStream.open(m_server->port(), m_bob.accessToken, "/api/changes/stream"));
        const Reply started = m_client->post(QStringLiteral("/api/generate"),
                                             generateBody(session, newClientId(), 4, QStringLiteral("1:1"), QStringLiteral("1024")),
                                             m_alice.accessToken);
        QCOMPARE(started.status, 202);
        const QString id = started.json.value(QStringLiteral("id")).toString();
        SseTestEvent progress;
        QVERIFY2(stream.waitFor([&](const SseTestEvent &e) { return e.event == "progress" && e.data.contains(id.toUtf8()); }, 30000, &progress),
                 qPrintable(QString::number(stream.events().size())));
        const QJsonObject tick = jsonOf(progress);
        QCOMPARE(tick.value(QStringLiteral("status")).toString(), QStringLiteral("processing"));
        QVERIFY(tick.value(QStringLiteral("progress")).toInt() > 0);
        QVERIFY(tick.contains(QStringLiteral("progressIsEstimate")));
        // The finished generation arrives as a change.
        QVERIFY(stream.waitFor([&](const SseTestEvent &e) {
            return e.event == "changes" && e.data.contains(id.toUtf8()) && e.data.contains("\"completed\"");
        }, 30000));
        bobStream.pump(200);
        for (const SseTestEvent &e : bobStream.events())
            QVERIFY(e.event != "progress"); // someone else's generation is not Bob's business
    }

    void writeOnOneInstanceReachesAStreamOnAnother()
    {
        if (TestServer::dialect() != QLatin1String("postgres"))
            QSKIP("two instances share one database on PostgreSQL only");
        TestServer second;
        QString error;
        QVERIFY2(second.shareDatabaseOf(*m_server, &error), qPrintable(error));
        QVERIFY2(second.start(&error), qPrintable(error));
        SseReader onSecond;
        QVERIFY(onSecond.open(second.port(), m_alice.accessToken, "/api/changes/stream"));
        onSecond.pump(200);
        QElapsedTimer timer;
        timer.start();
        const QString project = createProject(*m_client, m_alice, QStringLiteral("written on the first"), false);
        QVERIFY(!project.isEmpty());
        QVERIFY(onSecond.waitFor([&](const SseTestEvent &e) { return mentions(e, project); }, 10000));
        qInfo("write on instance A seen on instance B's stream after %lld ms", timer.elapsed());
    }
};

QTEST_GUILESS_MAIN(TestApiChangeStream)
#include "tst_api_changestream.moc"
