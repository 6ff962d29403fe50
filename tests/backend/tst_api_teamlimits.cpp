// Rate limits of a team (issue 14): the default 20 generations a minute per user hold exactly, on
// one instance of either database and across two instances on one PostgreSQL (a shared bucket in
// the database, not one per process); buckets that filled up again are swept, by one instance at
// a time (the sweep's advisory lock).
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"
#include "testteam.h"

#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

using namespace vesper::test;

namespace {
// The default generate limit (VESPER_GENERATE_RATE_LIMIT unset): 20 a minute, one back every 3 s.
constexpr int kDefaultGenerateLimit = 20;
constexpr int kBurst = 30;

QHash<QString, QString> teamEnv()
{
    return {{QStringLiteral("VESPER_WORKERS"), QStringLiteral("0")}, // queued is enough: only admission counts
            {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")},
            {QStringLiteral("VESPER_SWEEP_INTERVAL_SECONDS"), QStringLiteral("1")}};
}

struct BurstResult {
    int accepted = 0;
    int limited = 0;
    qint64 elapsedMs = 0;
    QString unexpected;
};

/// kBurst new generations for user, request i sent to urls[i % urls.size()].
BurstResult burst(const QStringList &urls, const TestUser &user, const QString &sessionId)
{
    BurstResult result;
    QList<std::shared_ptr<TestClient>> clients;
    for (const QString &url : urls)
        clients << std::make_shared<TestClient>(url);
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < kBurst; ++i) {
        const Reply reply = clients[i % clients.size()]->post(QStringLiteral("/api/generate"), generateBody(sessionId, newClientId()),
                                                              user.accessToken);
        if (reply.status == 202)
            ++result.accepted;
        else if (reply.status == 429 && reply.headers.value("retry-after").toInt() >= 1)
            ++result.limited;
        else if (result.unexpected.isEmpty())
            result.unexpected = describe(reply);
    }
    result.elapsedMs = timer.elapsed();
    return result;
}

/// Exactly the limit, unless the burst took long enough for the bucket to refill (a slow machine).
void expectExactLimit(const BurstResult &r)
{
    QVERIFY2(r.unexpected.isEmpty(), qPrintable(r.unexpected));
    QCOMPARE(r.accepted + r.limited, kBurst);
    const int refilled = int(r.elapsedMs / 3000);
    if (refilled == 0)
        QCOMPARE(r.accepted, kDefaultGenerateLimit);
    else
        QVERIFY2(r.accepted >= kDefaultGenerateLimit && r.accepted <= kDefaultGenerateLimit + refilled,
                 qPrintable(QStringLiteral("%1 accepted in %2 ms").arg(r.accepted).arg(r.elapsedMs)));
}

bool postgres()
{
    return TestServer::dialect() == QLatin1String("postgres");
}
} // namespace

class TestApiTeamLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void generateLimitOnOneInstance();
    void generateLimitAcrossTwoInstances();
    void filledBucketsSweptUnderTheLock();
};

void TestApiTeamLimits::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
}

void TestApiTeamLimits::generateLimitOnOneInstance()
{
    TestServer server;
    const auto env = teamEnv();
    for (auto it = env.begin(); it != env.end(); ++it)
        server.setEnv(it.key(), it.value());
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("burst@example.com"));
    QVERIFY(!user.id.isEmpty());
    const QString project = createProject(client, user, QStringLiteral("Burst"), false);
    const QString session = firstSession(client, user, project);
    QVERIFY(!session.isEmpty());
    expectExactLimit(burst({server.baseUrl()}, user, session));
}

void TestApiTeamLimits::generateLimitAcrossTwoInstances()
{
    if (!postgres())
        QSKIP("two instances share one database on PostgreSQL only");
    TestTeam team;
    QString error;
    QVERIFY2(team.start(2, teamEnv(), &error), qPrintable(error));
    TestClient client(team.baseUrl(0));
    const TestUser user = client.signUp(QStringLiteral("team-burst@example.com"));
    QVERIFY(!user.id.isEmpty());
    const QString project = createProject(client, user, QStringLiteral("Team burst"), false);
    const QString session = firstSession(client, user, project);
    QVERIFY(!session.isEmpty());
    // Alternated: request i goes to instance i % 2, as a round-robin balancer sends them.
    const BurstResult result = burst({team.baseUrl(0), team.baseUrl(1)}, user, session);
    expectExactLimit(result);
    // And the user's generations are what was accepted, no more.
    TestData data(team.at(0).dbUrl());
    QCOMPARE(data.scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ?"), {user.id}).toInt(), result.accepted);
}

void TestApiTeamLimits::filledBucketsSweptUnderTheLock()
{
    if (!postgres())
        QSKIP("the shared store (and its sweep) is PostgreSQL's; SQLite keeps buckets in memory");
    TestTeam team;
    QString error;
    QVERIFY2(team.start(2, teamEnv(), &error), qPrintable(error));
    TestData data(team.at(0).dbUrl());
    const auto rows = [&data](const QString &bucket) {
        return data.scalar(QStringLiteral("SELECT COUNT(*) FROM rate_limits WHERE bucket = ?"), {bucket}).toInt();
    };
    // A bucket that filled up long ago, while the test holds the sweep lock: no instance sweeps it.
    QSqlDatabase holder = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("sweep-lock-holder"));
    {
        const QUrl url(team.at(0).dbUrl());
        holder.setHostName(url.host());
        holder.setPort(url.port(5432));
        holder.setUserName(url.userName());
        holder.setPassword(url.password());
        holder.setDatabaseName(url.path().mid(1));
        QVERIFY(holder.open());
        QSqlQuery lock(holder);
        QVERIFY(lock.exec(QStringLiteral("SELECT pg_try_advisory_lock(7465731, hashtext('vesper.sweep'))")) && lock.next());
        QVERIFY2(lock.value(0).toBool(), "an instance held the sweep lock for over a second");
    }
    QVERIFY2(data.exec(QStringLiteral("INSERT INTO rate_limits (bucket, tokens, cap, rate, allowed, updated_at, full_at) "
                                      "VALUES ('test:stale', 5, 5, 1, true, now() - interval '1 hour', now() - interval '1 hour')")),
             qPrintable(data.lastError()));
    QTest::qWait(2500); // two sweep rounds of each instance
    QCOMPARE(rows(QStringLiteral("test:stale")), 1);
    QVERIFY(QSqlQuery(holder).exec(QStringLiteral("SELECT pg_advisory_unlock(7465731, hashtext('vesper.sweep'))")));
    QTRY_COMPARE_WITH_TIMEOUT(rows(QStringLiteral("test:stale")), 0, 5000);
    // A bucket still refilling stays: the generate bucket of a user who just spent one.
    TestClient client(team.baseUrl(1));
    const TestUser user = client.signUp(QStringLiteral("sweep@example.com"));
    const QString session = firstSession(client, user, createProject(client, user, QStringLiteral("Sweep"), false));
    EXPECT_STATUS(client.post(QStringLiteral("/api/generate"), generateBody(session, newClientId()), user.accessToken), 202);
    QTest::qWait(1500);
    QCOMPARE(rows(QStringLiteral("generate:") + user.id), 1);
    holder = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("sweep-lock-holder"));
}

QTEST_GUILESS_MAIN(TestApiTeamLimits)
#include "tst_api_teamlimits.moc"
