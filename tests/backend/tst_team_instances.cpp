// A team of three vesper-server instances on one throwaway PostgreSQL database, requests spread
// across them round-robin (issue 14): every generation runs exactly once (N generations, N x outputs,
// no duplicate), the credits ledger balances, another user's private project is invisible on every
// instance, the changes feed is the same from each, and after kill -9 of one instance while
// generations are being submitted to all three, its leased jobs are finished by the others once the
// lease runs out: every accepted generation completes exactly once.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"
#include "testteam.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace vesper::test;

namespace {
constexpr int kInstances = 3;
constexpr int kLeaseSeconds = 3;

QHash<QString, QString> teamEnv()
{
    return {{QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
            {QStringLiteral("VESPER_JOB_LEASE_SECONDS"), QString::number(kLeaseSeconds)},
            {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=2")},
            {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("100000")}};
}
} // namespace

class TestTeamInstances : public QObject {
    Q_OBJECT

private:
    TestTeam m_team;
    std::unique_ptr<TestData> m_data;
    TestUser m_owner, m_other;
    QString m_session, m_otherProject;

    /// Submits `count` generations of `outputs` images, request i to instance (first + i) % size.
    QStringList submit(int count, int outputs, const QString &resolution, int first = 0);
    /// Waits until none of ids is pending or running; false on timeout.
    bool waitAllFinished(const QStringList &ids, int timeoutMs);
    /// Every change the owner's feed holds, read page by page from one instance.
    QJsonArray feed(const QString &baseUrl);
    /// Exactly `outputs` distinct outputs per completed generation, and the ledger matches credits.
    void expectExactlyOnce(const QStringList &ids, int outputs);

private Q_SLOTS:
    void initTestCase();
    void generationsRunExactlyOnce();
    void visibilityOnEveryInstance();
    void feedConvergesAcrossInstances();
    void killedInstanceJobsFinishedByOthers();
};

void TestTeamInstances::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    if (TestServer::dialect() != QLatin1String("postgres"))
        QSKIP("a team of instances shares one PostgreSQL database");
    QVERIFY2(m_team.start(kInstances, teamEnv(), &reason), qPrintable(reason));
    m_data = std::make_unique<TestData>(m_team.at(0).dbUrl());
    TestClient client(m_team.baseUrl(1));
    m_owner = client.signUp(QStringLiteral("team-owner@example.com"));
    m_other = client.signUp(QStringLiteral("team-other@example.com"));
    QVERIFY(!m_owner.id.isEmpty() && !m_other.id.isEmpty());
    m_session = firstSession(client, m_owner, createProject(client, m_owner, QStringLiteral("Team work"), false));
    m_otherProject = createProject(client, m_other, QStringLiteral("Private elsewhere"), false);
    QVERIFY(!m_session.isEmpty() && !m_otherProject.isEmpty());
}

QStringList TestTeamInstances::submit(int count, int outputs, const QString &resolution, int first)
{
    QStringList ids;
    for (int i = 0; i < count; ++i) {
        TestClient client(m_team.baseUrl(first + i));
        const Reply reply = client.post(QStringLiteral("/api/generate"),
                                        generateBody(m_session, newClientId(), outputs, QStringLiteral("1:1"), resolution), m_owner.accessToken);
        if (reply.status != 202) {
            qWarning().noquote() << "submit" << i << describe(reply);
            return {};
        }
        ids << reply.json.value(QStringLiteral("id")).toString();
    }
    return ids;
}

bool TestTeamInstances::waitAllFinished(const QStringList &ids, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QVariantList binds;
        QStringList marks;
        for (const QString &id : ids) {
            binds << id;
            marks << QStringLiteral("?");
        }
        const int open = m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE status IN ('queued', 'processing') AND id IN (%1)")
                                            .arg(marks.join(QLatin1Char(','))), binds).toInt();
        if (open == 0)
            return true;
        QTest::qWait(200);
    }
    return false;
}

void TestTeamInstances::expectExactlyOnce(const QStringList &ids, int outputs)
{
    for (const QString &id : ids) {
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT status FROM generations WHERE id = ?"), {id}).toString(), QStringLiteral("completed"));
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs WHERE generation_id = ?"), {id}).toInt(), outputs);
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(DISTINCT storage_key) FROM outputs WHERE generation_id = ?"), {id}).toInt(),
                 outputs);
        // Charged once, at its cost (2 an image): one ledger row for the generation, no refund.
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM credit_ledger WHERE user_id = ? AND generation_id = ?"),
                                {m_owner.id, id}).toInt(), 1);
        QCOMPARE(m_data->scalar(QStringLiteral("SELECT amount FROM credit_ledger WHERE user_id = ? AND generation_id = ?"),
                                {m_owner.id, id}).toLongLong(), qint64(-2 * outputs));
    }
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
    TestClient client(m_team.baseUrl(0)); // instance 2 may be the killed one
    const qint64 credits = client.get(QStringLiteral("/auth/v1/user"), m_owner.accessToken).json.value(QStringLiteral("credits")).toInteger(-1);
    const qint64 ledger = m_data->scalar(QStringLiteral("SELECT COALESCE(SUM(amount), 0) FROM credit_ledger WHERE user_id = ?"), {m_owner.id})
                              .toLongLong();
    QCOMPARE(credits, ledger);
    const qint64 spent = m_data->scalar(QStringLiteral("SELECT COALESCE(SUM(cost), 0) FROM generations WHERE user_id = ?"), {m_owner.id})
                             .toLongLong();
    QCOMPARE(credits, 100000 - spent);
}

void TestTeamInstances::generationsRunExactlyOnce()
{
    constexpr int kGenerations = 30;
    const QStringList ids = submit(kGenerations, 2, QStringLiteral("512"));
    QCOMPARE(ids.size(), kGenerations);
    QVERIFY(waitAllFinished(ids, 120000));
    expectExactlyOnce(ids, 2);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs o JOIN generations g ON g.id = o.generation_id "
                                           "WHERE g.user_id = ?"), {m_owner.id}).toInt(), kGenerations * 2);
}

void TestTeamInstances::visibilityOnEveryInstance()
{
    for (int i = 0; i < kInstances; ++i) {
        TestClient client(m_team.baseUrl(i));
        EXPECT_STATUS(client.get(QStringLiteral("/api/projects/%1").arg(m_otherProject), m_owner.accessToken), 404);
        EXPECT_STATUS(client.get(QStringLiteral("/api/projects/%1").arg(m_otherProject), m_other.accessToken), 200);
        const Reply list = client.get(QStringLiteral("/api/projects/with-thumbnails"), m_owner.accessToken);
        EXPECT_STATUS(list, 200);
        QVERIFY2(!list.body.contains(m_otherProject.toUtf8()), "another user's private project is listed");
    }
}

QJsonArray TestTeamInstances::feed(const QString &baseUrl)
{
    TestClient client(baseUrl);
    QJsonArray all;
    QString since = QStringLiteral("0");
    for (int page = 0; page < 1000; ++page) {
        const Reply reply = client.get(QStringLiteral("/api/changes?since=%1").arg(since), m_owner.accessToken);
        if (reply.status != 200)
            return {};
        for (const QJsonValue &change : reply.json.value(QStringLiteral("changes")).toArray())
            all.append(change);
        since = reply.json.value(QStringLiteral("nextSince")).toString();
        if (!reply.json.value(QStringLiteral("hasMore")).toBool())
            break;
    }
    return all;
}

void TestTeamInstances::feedConvergesAcrossInstances()
{
    const QJsonArray first = feed(m_team.baseUrl(0));
    QVERIFY(!first.isEmpty());
    QVERIFY2(!QJsonDocument(first).toJson().contains(m_otherProject.toUtf8()), "the feed carries another user's private project");
    for (int i = 1; i < kInstances; ++i)
        QCOMPARE(feed(m_team.baseUrl(i)), first);
}

void TestTeamInstances::killedInstanceJobsFinishedByOthers()
{
    // One submitter per instance keeps going while instance 2 is killed: the survivors' until a
    // while after, the victim's until it stops answering. Bigger images, so jobs are in flight on
    // every instance when it dies. Every generation answered 202 must then run exactly once.
    TestServer &victim = m_team.at(2);
    const QString owner = QStringLiteral("%:%1:%").arg(victim.pid());
    std::atomic<bool> stop{false}, killed{false};
    std::atomic<int> survivorFailures{0}, acceptedAfterKill{0}, victimRefusals{0};
    QMutex acceptedLock;
    QStringList accepted;
    QList<QThread *> submitters;
    for (int instance = 0; instance < kInstances; ++instance) {
        submitters << QThread::create([&, instance] {
            TestClient client(m_team.baseUrl(instance));
            while (!stop) {
                const bool afterKill = killed;
                const Reply reply = client.post(QStringLiteral("/api/generate"),
                                                generateBody(m_session, newClientId(), 4, QStringLiteral("1:1"), QStringLiteral("1024")),
                                                m_owner.accessToken);
                if (reply.status == 202) {
                    QMutexLocker lock(&acceptedLock);
                    accepted << reply.json.value(QStringLiteral("id")).toString();
                    acceptedAfterKill += afterKill;
                } else if (instance == 2) {
                    ++victimRefusals; // it died (a reset or no answer): stop asking it
                    return;
                } else {
                    qWarning().noquote() << "survivor" << instance << describe(reply);
                    ++survivorFailures;
                }
                QThread::msleep(150);
            }
        });
        submitters.last()->start();
    }
    const auto acceptedCount = [&] {
        QMutexLocker lock(&acceptedLock);
        return int(accepted.size());
    };
    int leased = 0;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired() && (leased == 0 || acceptedCount() < 12)) {
        leased = m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE lease_owner LIKE ?"), {owner}).toInt();
        QTest::qWait(5);
    }
    const bool held = leased > 0;
    if (held) {
        killed = true;
        victim.kill(); // SIGKILL: no release, no goodbye
        qInfo() << "killed instance 2 holding" << leased << "leased jobs," << acceptedCount() << "generations accepted so far";
        QTest::qWait(2000); // the survivors keep taking submissions meanwhile
    }
    stop = true;
    for (QThread *thread : std::as_const(submitters)) {
        thread->wait();
        delete thread;
    }
    QVERIFY2(held, "the instance to kill never held a job");
    QCOMPARE(survivorFailures.load(), 0);
    QCOMPARE(victimRefusals.load(), 1);
    QVERIFY2(acceptedAfterKill > 0, "nothing was submitted after the kill");
    qInfo() << accepted.size() << "generations accepted," << acceptedAfterKill.load() << "of them after the kill";
    QVERIFY(waitAllFinished(accepted, 180000));
    // A submit the victim committed but never answered is no less owed: none stays open either.
    QDeadlineTimer drained(60000);
    while (!drained.hasExpired()
           && m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ? AND status IN ('queued', 'processing')"),
                             {m_owner.id}).toInt() > 0)
        QTest::qWait(200);
    expectExactlyOnce(accepted, 4);
    // The survivors still answer, and no job is left to the dead instance.
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE lease_owner LIKE ?"), {owner}).toInt(), 0);
    for (int i = 0; i < kInstances - 1; ++i)
        EXPECT_STATUS(TestClient(m_team.baseUrl(i)).get(QStringLiteral("/healthz")), 200);
}

QTEST_GUILESS_MAIN(TestTeamInstances)
#include "tst_team_instances.moc"
