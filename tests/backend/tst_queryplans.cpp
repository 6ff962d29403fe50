// Every hot read query is explained on a real database of the dialect under test and must not
// scan a table: SQLite's plan must SEARCH its tables, PostgreSQL's (with seq scans disabled, so
// only a missing index leaves one) must have no Seq Scan.
#include "backend/access/accesscontrol.h"
#include "backend/auth/refreshtokens.h"
#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changefeed.h"
#include "backend/repositories/generationrepository.h"
#include "backend/repositories/memberrepository.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/projectrepository.h"
#include "backend/repositories/projectstats.h"
#include "backend/repositories/sessionrepository.h"
#include "common/clock.h"
#include "common/uuid.h"
#include "testserver.h"

#include <QRegularExpression>
#include <QTest>

using namespace vesper;
using namespace vesper::backend;

class TestQueryPlans : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void hotQueriesUseIndexes();

private:
    void addGenerations(const QString &projectId, const QString &sessionId, const QString &userId, int count);

    std::unique_ptr<test::TestServer> m_scratch;
    std::unique_ptr<Database> m_db;
    QString m_owner, m_member, m_project, m_session, m_privateSession;
};

void TestQueryPlans::initTestCase()
{
    QString reason;
    if (!test::TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_scratch = std::make_unique<test::TestServer>();
    QVERIFY2(m_scratch->prepareDatabase(&reason), qPrintable(reason));
    QString error;
    auto config = DbConfig::parse(m_scratch->dbUrl(), &error);
    QVERIFY2(config, qPrintable(error));
    m_db = std::make_unique<Database>(*config);
    Migrator migrator(*m_db);
    QVERIFY2(migrator.migrate(&error), qPrintable(error));

    ProfileRepository profiles(*m_db);
    m_owner = profiles.create(QStringLiteral("owner@plans.test"), QStringLiteral("Owner"), QStringLiteral("x"), 10).id;
    m_member = profiles.create(QStringLiteral("member@plans.test"), QStringLiteral("Member"), QStringLiteral("x"), 10).id;
    ProjectRepository projects(*m_db);
    SessionRepository sessions(*m_db);
    for (int i = 0; i < 30; ++i) {
        const QString id = projects.create(i % 2 ? m_owner : m_member, QStringLiteral("P%1").arg(i), QString(), i % 3 == 0);
        if (i == 3)
            m_project = id;
    }
    // m_project (i == 3) is owned by the owner and shared; give the member a role in it.
    MemberRepository(*m_db).upsert(m_project, true, m_member, QStringLiteral("editor"));
    m_session = sessions.create(m_project, m_owner, QStringLiteral("open"), QStringLiteral("image"), false);
    m_privateSession = sessions.create(m_project, m_owner, QStringLiteral("private"), QStringLiteral("image"), true);
    addGenerations(m_project, m_session, m_owner, 40);
    addGenerations(m_project, m_privateSession, m_owner, 10);
}

void TestQueryPlans::cleanupTestCase()
{
    m_db.reset();
    m_scratch.reset();
}

void TestQueryPlans::addGenerations(const QString &projectId, const QString &sessionId, const QString &userId, int count)
{
    QSqlDatabase db = m_db->connection();
    Transaction tx(*m_db, db);
    qint64 rev = tx.allocateRevs(count * 2);
    for (int i = 0; i < count; ++i) {
        const QString generationId = newUuidV7();
        SqlQuery g(db, QStringLiteral("INSERT INTO generations (id, session_id, project_id, user_id, model_id, prompt, status, created_at, rev) "
                                      "VALUES (:id, :s, :p, :u, 'sketch', 'a lighthouse', 'completed', %1, :rev)")
                           .arg(m_db->timeParam(QStringLiteral(":t"))));
        g.bind(QStringLiteral(":id"), generationId).bind(QStringLiteral(":s"), sessionId).bind(QStringLiteral(":p"), projectId)
            .bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":t"), qint64(1795000000000000) + i).bind(QStringLiteral(":rev"), rev++).exec();
        SqlQuery o(db, QStringLiteral("INSERT INTO outputs (id, generation_id, session_id, project_id, storage_key, created_at, rev) "
                                      "VALUES (:id, :g, :s, :p, 'k', %1, :rev)").arg(m_db->timeParam(QStringLiteral(":t"))));
        o.bind(QStringLiteral(":id"), newUuidV7()).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":s"), sessionId)
            .bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":t"), qint64(1795000000000000) + i).bind(QStringLiteral(":rev"), rev++).exec();
    }
    ProjectStats::recompute(*m_db, db, projectId);
    tx.commit();
}

void TestQueryPlans::hotQueriesUseIndexes()
{
    const bool sqlite = m_db->isSqlite();
    if (!sqlite)
        SqlQuery::run(m_db->connection(), QStringLiteral("SET enable_seqscan = off"));
    QList<QPair<QString, QStringList>> plans;
    SqlQuery::setPlanRecorder([&plans](const QString &sql, const QStringList &plan) { plans.append({sql, plan}); });

    ProjectRepository projects(*m_db);
    for (const QString &user : {m_owner, m_member}) {
        const ProjectPage first = projects.listWithThumbnails(user, true, 5, std::nullopt);
        QVERIFY(!first.nextCursor.isEmpty());
        projects.listWithThumbnails(user, true, 5, Cursor::decode(first.nextCursor));
        projects.listWithThumbnails(user, false, 5, std::nullopt);
        ChangeFeed(*m_db).read(user, 0, 100);
        ChangeFeed(*m_db).read(user, 50, 100);
    }
    projects.fetchMembers(m_project, QStringLiteral("owner"));
    SessionRepository(*m_db).list(m_project, false);
    GenerationRepository generations(*m_db);
    const GenerationPage page = generations.listForSession(m_session, QString(), 10, std::nullopt);
    QCOMPARE(page.count, 10);
    generations.listForSession(m_session, QString(), 10, Cursor::decode(page.nextCursor));
    generations.listImages(m_project, true, 10, std::nullopt);
    generations.listImages(m_project, false, 10, std::nullopt);
    AccessControl acl(*m_db);
    acl.project(m_db->connection(), m_member, m_project);
    acl.session(m_db->connection(), m_member, m_session);
    {
        QSqlDatabase db = m_db->connection();
        Transaction tx(*m_db, db);
        ProjectStats::recompute(*m_db, db, m_project);
    }
    RefreshTokenStore tokens(*m_db, 10, 90);
    tokens.issue(m_owner);
    tokens.rotate(QStringLiteral("no-such-token"));
    tokens.deleteExpired(nowMicros());
    SqlQuery::setPlanRecorder({});

    QVERIFY2(plans.size() >= 20, qPrintable(QString::number(plans.size())));
    // Table aliases and names of the synced tables; subquery aliases (x, mine, shared, v, r) are
    // small materialized results and may be scanned.
    static const QRegularExpression sqliteScan(
        QStringLiteral("^SCAN (p|s|g|o|o2|m|st|pr|projects|sessions|generations|outputs|project_members|profiles|project_stats|tombstones|refresh_tokens)( |$)"));
    static const QRegularExpression pgScan(QStringLiteral("Seq Scan on (projects|sessions|generations|outputs|project_members|profiles|project_stats|tombstones|refresh_tokens)\\b"));
    const bool print = qEnvironmentVariableIsSet("VESPER_PRINT_PLANS");
    for (const auto &entry : plans) {
        if (print)
            qInfo().noquote() << entry.first << "\n  " << entry.second.join(QStringLiteral("\n   "));
        for (const QString &line : entry.second) {
            QVERIFY2(!line.startsWith(QLatin1String("EXPLAIN FAILED")), qPrintable(line + QStringLiteral("\n") + entry.first));
            const bool fullScan = sqlite ? sqliteScan.match(line.trimmed()).hasMatch() : pgScan.match(line).hasMatch();
            QVERIFY2(!fullScan, qPrintable(QStringLiteral("full scan: %1\nin: %2\nplan:\n%3").arg(line, entry.first, entry.second.join(QLatin1Char('\n')))));
        }
    }
}

QTEST_GUILESS_MAIN(TestQueryPlans)
#include "tst_queryplans.moc"
