// State that must hold across a team's instances on one PostgreSQL (issue 14): instances started at
// once on a fresh database migrate once; a refresh token presented to two instances at once rotates
// once (reuse rules as on one instance); an A1111 web UI gets one job at a time from all of them;
// an instance refuses to start when it cannot write the object store (either database); a logout,
// a refresh-token reuse or an account deletion on one instance ends the tokens on another at once.
#include "apifixtures.h"
#include "fakea1111.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"
#include "testteam.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTest>
#include <QThread>
#include <algorithm>

using namespace vesper::test;

namespace {
bool postgres()
{
    return TestServer::dialect() == QLatin1String("postgres");
}

Reply refresh(const QString &baseUrl, const QString &token)
{
    TestClient client(baseUrl);
    return client.post(QStringLiteral("/auth/v1/token?grant_type=refresh_token"), QJsonObject{{QStringLiteral("refresh_token"), token}});
}

/// The same refresh token to instance 0 and instance 1 at the same moment; both replies.
QPair<Reply, Reply> refreshOnBoth(TestTeam &team, const QString &token)
{
    Reply first, second;
    QAtomicInt ready(0);
    QThread *a = QThread::create([&] {
        ready.fetchAndAddOrdered(1);
        while (ready.loadAcquire() < 2)
            QThread::yieldCurrentThread();
        first = refresh(team.baseUrl(0), token);
    });
    QThread *b = QThread::create([&] {
        ready.fetchAndAddOrdered(1);
        while (ready.loadAcquire() < 2)
            QThread::yieldCurrentThread();
        second = refresh(team.baseUrl(1), token);
    });
    a->start();
    b->start();
    a->wait(60000);
    b->wait(60000);
    delete a;
    delete b;
    return {first, second};
}
} // namespace

class TestApiTeamState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void refusesUnwritableObjectStore();
    void instancesStartTogetherOnFreshDatabase();
    void concurrentRefreshWithoutReuseRotatesOnce();
    void concurrentRefreshWithinReuseGivesOneSuccessor();
    void a1111OneJobAtATimeAcrossInstances();
    void endedSessionsReachOtherInstancesAtOnce();
};

void TestApiTeamState::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
}

void TestApiTeamState::refusesUnwritableObjectStore()
{
    // Below a regular file no folder can be made, whoever runs the test (root ignores modes).
    TestServer server;
    const QString file = server.dataDir() + QStringLiteral("/not-a-folder");
    QFile blocker(file);
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    server.setEnv(QStringLiteral("VESPER_STORAGE"), file + QStringLiteral("/storage"));
    QString error;
    QVERIFY(server.launch(&error));
    QVERIFY2(!server.waitListening(&error, 20000), "the server listened on a store it cannot write");
    QVERIFY(server.exitCode() != 0);
    QFile log(server.dataDir() + QStringLiteral("/server.stderr.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(log.readAll());
    QVERIFY2(text.contains(QStringLiteral("object store")) && text.contains(QStringLiteral("not writable")), qPrintable(text.right(400)));

    // The same folder made writable: it starts, and leaves no probe file behind.
    TestServer fine;
    QVERIFY2(fine.start(&error), qPrintable(error));
    QVERIFY(QDir(fine.storageDir()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

void TestApiTeamState::instancesStartTogetherOnFreshDatabase()
{
    if (!postgres())
        QSKIP("several instances share one database on PostgreSQL only");
    TestTeam team;
    QString error;
    QVERIFY2(team.start(3, {}, &error), qPrintable(error)); // launched together on an empty database
    TestData data(team.at(0).dbUrl());
    const int files = data.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt();
    QVERIFY(files > 0);
    QVERIFY(data.scalar(QStringLiteral("SELECT MAX(version) FROM schema_migrations")).toInt() >= 13);
    QCOMPARE(data.scalar(QStringLiteral("SELECT COUNT(DISTINCT version) FROM schema_migrations")).toInt(), files);
    for (int i = 0; i < team.size(); ++i) {
        TestClient client(team.baseUrl(i));
        EXPECT_STATUS(client.get(QStringLiteral("/healthz")), 200);
        QVERIFY(!client.signUp(QStringLiteral("start%1@example.com").arg(i)).id.isEmpty());
    }
    // A fourth joining later finds everything applied and serves at once.
    QVERIFY2(team.add({}, &error) == 3, qPrintable(error));
    QCOMPARE(data.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(), files);
}

void TestApiTeamState::concurrentRefreshWithoutReuseRotatesOnce()
{
    if (!postgres())
        QSKIP("two instances share one database on PostgreSQL only");
    TestTeam team;
    QString error;
    QVERIFY2(team.start(2, {{QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("0")}}, &error), qPrintable(error));
    TestClient client(team.baseUrl(0));
    for (int round = 0; round < 8; ++round) {
        const TestUser user = client.signUp(QStringLiteral("refresh%1@example.com").arg(round));
        QVERIFY(!user.refreshToken.isEmpty());
        const auto [first, second] = refreshOnBoth(team, user.refreshToken);
        const int ok = (first.status == 200) + (second.status == 200);
        // The row lock orders them: one rotates, the other is a reuse (no interval) and ends the family.
        QVERIFY2(ok == 1, qPrintable(describe(first) + QStringLiteral(" / ") + describe(second)));
        const Reply &winner = first.status == 200 ? first : second;
        const Reply &loser = first.status == 200 ? second : first;
        QVERIFY2(loser.status >= 400 && loser.status < 500, qPrintable(describe(loser)));
        // The reuse revoked the family, the winner's successor included, on either instance.
        const QString successor = winner.json.value(QStringLiteral("refresh_token")).toString();
        QVERIFY(refresh(team.baseUrl(round % 2), successor).status >= 400);
    }
}

void TestApiTeamState::concurrentRefreshWithinReuseGivesOneSuccessor()
{
    if (!postgres())
        QSKIP("two instances share one database on PostgreSQL only");
    TestTeam team;
    QString error;
    QVERIFY2(team.start(2, {{QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("10")}}, &error), qPrintable(error));
    TestClient client(team.baseUrl(0));
    for (int round = 0; round < 8; ++round) {
        const TestUser user = client.signUp(QStringLiteral("tabs%1@example.com").arg(round));
        const auto [first, second] = refreshOnBoth(team, user.refreshToken);
        EXPECT_STATUS(first, 200);
        EXPECT_STATUS(second, 200);
        // Two tabs on two instances: one successor, not two siblings of one family.
        const QString a = first.json.value(QStringLiteral("refresh_token")).toString();
        QVERIFY(!a.isEmpty());
        QCOMPARE(second.json.value(QStringLiteral("refresh_token")).toString(), a);
        TestData data(team.at(0).dbUrl());
        QCOMPARE(data.scalar(QStringLiteral("SELECT COUNT(*) FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL AND used_at IS NULL"),
                             {user.id}).toInt(), 1);
    }
}

void TestApiTeamState::a1111OneJobAtATimeAcrossInstances()
{
    if (!postgres())
        QSKIP("several instances share one database on PostgreSQL only");
    FakeA1111 fake;
    QString error;
    QVERIFY2(fake.start(&error), qPrintable(error));
    constexpr int kRunMs = 600;
    fake.setDelayMs(kRunMs);
    TestTeam team;
    QVERIFY2(team.start(2, {{QStringLiteral("VESPER_A1111_URL"), fake.url()},
                            {QStringLiteral("VESPER_PROVIDER_POLL_MS"), QStringLiteral("50")},
                            {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
                            {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                        &error),
             qPrintable(error));
    TestClient client(team.baseUrl(0));
    const TestUser user = client.signUp(QStringLiteral("webui@example.com"));
    const QString session = firstSession(client, user, createProject(client, user, QStringLiteral("Web UI"), false));
    QStringList ids;
    for (int i = 0; i < 4; ++i) {
        TestClient to(team.baseUrl(i));
        const Reply reply = to.post(QStringLiteral("/api/generate"),
                                    generateBody(session, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("512"), QStringLiteral("a1111-sd")),
                                    user.accessToken);
        EXPECT_STATUS(reply, 202);
        ids << reply.json.value(QStringLiteral("id")).toString();
    }
    for (const QString &id : std::as_const(ids)) {
        const auto status = [&] {
            const Reply reply = client.post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{id}}},
                                            user.accessToken);
            return reply.data().isEmpty() ? QString() : reply.data().first().toObject().value(QStringLiteral("status")).toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(status(), QStringLiteral("completed"), 30000);
    }
    // Four workers on two instances, one web UI: each txt2img came after the one before had run.
    QList<qint64> times = fake.txt2imgTimes();
    QCOMPARE(times.size(), 4);
    std::sort(times.begin(), times.end());
    for (int i = 1; i < times.size(); ++i)
        QVERIFY2(times[i] - times[i - 1] >= kRunMs - 100, qPrintable(QStringLiteral("txt2img %1 came %2 ms after the one before")
                                                                         .arg(i).arg(times[i] - times[i - 1])));
}

void TestApiTeamState::endedSessionsReachOtherInstancesAtOnce()
{
    if (!postgres())
        QSKIP("several instances share one database on PostgreSQL only");
    // Caches trusted for a minute: only the notice can end a token on instance 1 within seconds.
    TestTeam team;
    QString error;
    QVERIFY2(team.start(2, {{QStringLiteral("VESPER_SESSION_CHECK_SECONDS"), QStringLiteral("60")},
                            {QStringLiteral("VESPER_REFRESH_REUSE_SECONDS"), QStringLiteral("0")}},
                        &error),
             qPrintable(error));
    TestClient zero(team.baseUrl(0));
    TestClient one(team.baseUrl(1));
    const QString me = QStringLiteral("/auth/v1/user");
    constexpr int kPollMs = 5000; // the notice takes milliseconds; the cache would hold for 60 s

    // Logout on instance 0.
    const TestUser out = zero.signUp(QStringLiteral("leaving@example.com"));
    EXPECT_STATUS(one.get(me, out.accessToken), 200); // instance 1 now holds the session as live
    EXPECT_STATUS(zero.post(QStringLiteral("/auth/v1/logout"), QJsonObject{}, out.accessToken), 204);
    QElapsedTimer noticed;
    noticed.start();
    while (one.get(me, out.accessToken).status != 401 && noticed.elapsed() < kPollMs)
        QThread::msleep(2);
    qInfo("a logout on instance 0 was noticed on instance 1 within %lld ms", noticed.elapsed());
    QCOMPARE(one.get(me, out.accessToken).status, 401);

    // A refresh token reused on instance 0 ends its session there and on instance 1.
    const TestUser leaked = zero.signUp(QStringLiteral("leaked@example.com"));
    const Reply rotated = refresh(team.baseUrl(0), leaked.refreshToken);
    EXPECT_STATUS(rotated, 200);
    const QString access = rotated.json.value(QStringLiteral("access_token")).toString();
    EXPECT_STATUS(one.get(me, access), 200);
    QVERIFY(refresh(team.baseUrl(0), leaked.refreshToken).status >= 400); // the reuse
    QTRY_COMPARE_WITH_TIMEOUT(one.get(me, access).status, 401, kPollMs);
    QTRY_COMPARE_WITH_TIMEOUT(zero.get(me, access).status, 401, kPollMs);

    // An account deleted on instance 0.
    const TestUser gone = zero.signUp(QStringLiteral("gone@example.com"));
    EXPECT_STATUS(one.get(me, gone.accessToken), 200);
    EXPECT_STATUS(zero.del(QStringLiteral("/api/account"), gone.accessToken), 204);
    QTRY_COMPARE_WITH_TIMEOUT(one.get(me, gone.accessToken).status, 401, kPollMs);

    // Someone else's session on instance 1 is untouched by all this.
    const TestUser stays = zero.signUp(QStringLiteral("stays@example.com"));
    EXPECT_STATUS(one.get(me, stays.accessToken), 200);
}

QTEST_GUILESS_MAIN(TestApiTeamState)
#include "tst_api_teamstate.moc"
