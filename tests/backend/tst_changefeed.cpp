// The changes feed in process, on a real database of each dialect: a page reads only the window of
// revs it returns (bounded index ranges, checked in the query plans), a walk returns every row once
// in rev order and ends at the head, a progress tick adds no revision, a credit change does.
#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changefeed.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/repositories/jobqueue.h"
#include "backend/repositories/memberrepository.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/projectrepository.h"
#include "backend/repositories/sessionrepository.h"
#include "common/uuid.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace vesper;
using namespace vesper::backend;

class TestChangeFeed : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pagesReadBoundedRevRanges();
    void walkReturnsEveryRowOnceInRevOrder();
    void progressTickAddsNoRevision();
    void creditChangeIsAProfileChange();

private:
    QString addGeneration(const QString &projectId, const QString &sessionId, const QString &userId, const QString &status);
    qint64 scalar(const QString &sql, const QString &id = QString());
    QJsonArray walk(const QString &userId, int limit, int *pages);

    std::unique_ptr<test::TestServer> m_scratch;
    std::unique_ptr<Database> m_db;
    QString m_owner, m_member, m_other, m_project, m_session, m_otherSession;
    QStringList m_generations;
};

void TestChangeFeed::initTestCase()
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
    QVERIFY2(Migrator(*m_db).migrate(&error), qPrintable(error));

    ProfileRepository profiles(*m_db);
    m_owner = profiles.create(QStringLiteral("owner@feed.test"), QStringLiteral("Owner"), QStringLiteral("x"), 10).id;
    m_member = profiles.create(QStringLiteral("member@feed.test"), QStringLiteral("Member"), QStringLiteral("x"), 10).id;
    m_other = profiles.create(QStringLiteral("other@feed.test"), QStringLiteral("Other"), QStringLiteral("x"), 10).id;
    ProjectRepository projects(*m_db);
    SessionRepository sessions(*m_db);
    for (int i = 0; i < 6; ++i)
        projects.create(m_owner, QStringLiteral("P%1").arg(i), QString(), i % 2 == 0);
    m_project = projects.create(m_owner, QStringLiteral("main"), QString(), true);
    MemberRepository(*m_db).upsert(m_project, true, m_member, QStringLiteral("viewer"));
    m_session = sessions.create(m_project, m_owner, QStringLiteral("open"), QStringLiteral("image"), false);
    const QString otherProject = projects.create(m_other, QStringLiteral("elsewhere"), QString(), false);
    m_otherSession = sessions.create(otherProject, m_other, QStringLiteral("theirs"), QStringLiteral("image"), false);
    // The owner's history, interleaved with another user's so the owner's revs are sparse in places.
    for (int i = 0; i < 120; ++i) {
        m_generations << addGeneration(m_project, m_session, m_owner, QStringLiteral("completed"));
        if (i % 3 == 0) {
            for (int k = 0; k < 20; ++k)
                addGeneration(otherProject, m_otherSession, m_other, QStringLiteral("completed"));
        }
    }
}

void TestChangeFeed::cleanupTestCase()
{
    m_db.reset();
    m_scratch.reset();
}

QString TestChangeFeed::addGeneration(const QString &projectId, const QString &sessionId, const QString &userId, const QString &status)
{
    QSqlDatabase db = m_db->connection();
    Transaction tx(*m_db, db);
    const QString id = newUuidV7();
    SqlQuery g(db, QStringLiteral("INSERT INTO generations (id, session_id, project_id, user_id, model_id, prompt, status, created_at, rev) "
                                  "VALUES (:id, :s, :p, :u, 'sketch', 'a lighthouse', :st, %1, :rev)")
                       .arg(m_db->timeParam(QStringLiteral(":t"))));
    g.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":s"), sessionId).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId)
        .bind(QStringLiteral(":st"), status).bind(QStringLiteral(":t"), qint64(1795000000000000)).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).exec();
    tx.commit();
    return id;
}

qint64 TestChangeFeed::scalar(const QString &sql, const QString &id)
{
    SqlQuery q(m_db->connection(), sql);
    if (!id.isEmpty())
        q.bind(QStringLiteral(":id"), id);
    q.exec();
    return q.next() ? q.int64(0) : -1;
}

QJsonArray TestChangeFeed::walk(const QString &userId, int limit, int *pages)
{
    QJsonArray all;
    qint64 since = 0;
    ChangeFeed feed(*m_db);
    for (*pages = 0; *pages < 10000; ++*pages) {
        const ChangePage page = feed.read(userId, since, limit);
        const QJsonArray changes = QJsonDocument::fromJson(page.changes).array();
        if (changes.size() > limit || page.nextSince < since)
            return {};
        for (const QJsonValue &change : changes)
            all.append(change);
        since = page.nextSince;
        if (!page.hasMore) {
            ++*pages;
            return all;
        }
    }
    return {};
}

void TestChangeFeed::pagesReadBoundedRevRanges()
{
    const bool sqlite = m_db->isSqlite();
    if (!sqlite)
        SqlQuery::run(m_db->connection(), QStringLiteral("SET enable_seqscan = off"));
    QList<QPair<QString, QStringList>> plans;
    SqlQuery::setPlanRecorder([&plans](const QString &sql, const QStringList &plan) { plans.append({sql, plan}); });
    ChangeFeed feed(*m_db);
    const qint64 head = feed.head();
    for (const QString &user : {m_owner, m_member}) {
        feed.read(user, 0, 50);         // the first page of a cold sync
        feed.read(user, head / 2, 50);  // the middle of history
        feed.read(user, head - 5, 50);  // near the head
    }
    SqlQuery::setPlanRecorder({});
    if (!sqlite)
        SqlQuery::run(m_db->connection(), QStringLiteral("SET enable_seqscan = on"));

    // Every synced table a feed query reads (aliases g, o2, s, m2 and the tombstones) is read through
    // an index range bounded on both sides by the window; projects and profiles by their key.
    static const QRegularExpression sqliteSearch(QStringLiteral("^SEARCH (g|o2|s|m2|tombstones) USING (COVERING )?INDEX (\\w+) \\((.*)\\)"));
    static const QRegularExpression sqliteScan(QStringLiteral("^SCAN (p|s|g|o2|m|m2|pr|o|st|projects|profiles|tombstones|project_members)( |$)"));
    static const QRegularExpression pgSeq(QStringLiteral("Seq Scan on (projects|sessions|generations|outputs|project_members|profiles|tombstones)\\b"));
    const bool print = qEnvironmentVariableIsSet("VESPER_PRINT_PLANS");
    int feedQueries = 0, boundedRanges = 0;
    for (const auto &[sql, plan] : plans) {
        if (!sql.contains(QLatin1String(":hi")) && !sql.contains(QLatin1String("rev <=")))
            continue; // the head read
        ++feedQueries;
        if (print)
            qInfo().noquote() << sql << "\n  " << plan.join(QStringLiteral("\n   "));
        const QString text = plan.join(QLatin1Char('\n'));
        for (const QString &raw : plan) {
            const QString line = raw.trimmed();
            QVERIFY2(!line.startsWith(QLatin1String("EXPLAIN FAILED")), qPrintable(line + QLatin1Char('\n') + sql));
            if (sqlite) {
                QVERIFY2(!sqliteScan.match(line).hasMatch(), qPrintable(QStringLiteral("full scan: %1\n%2\n%3").arg(line, sql, text)));
                const QRegularExpressionMatch m = sqliteSearch.match(line);
                if (m.hasMatch() && m.captured(4).contains(QLatin1String("rev"))) {
                    QVERIFY2(m.captured(4).contains(QLatin1String("rev>? AND rev<?")),
                             qPrintable(QStringLiteral("rev range not bounded by the window: %1\n%2").arg(line, text)));
                    ++boundedRanges;
                }
            } else {
                QVERIFY2(!pgSeq.match(line).hasMatch(), qPrintable(QStringLiteral("seq scan: %1\n%2\n%3").arg(line, sql, text)));
                if (line.startsWith(QLatin1String("Index Cond:")) && line.contains(QLatin1String("rev >"))) {
                    QVERIFY2(line.contains(QLatin1String("rev <=")), qPrintable(QStringLiteral("rev range not bounded: %1\n%2").arg(line, text)));
                    ++boundedRanges;
                }
            }
        }
        // A sort is only ever of a window's rows (bounded ranges), or of the caller's visible projects
        // (the project rows themselves: one per project, not history).
        const bool projectsOnly = !sql.contains(QLatin1String("JOIN generations")) && !sql.contains(QLatin1String("JOIN outputs"))
            && !sql.contains(QLatin1String("JOIN sessions")) && !sql.contains(QLatin1String("m2")) && !sql.contains(QLatin1String("tombstones"));
        if (text.contains(QLatin1String("TEMP B-TREE")) || text.contains(QLatin1String("Sort")))
            QVERIFY2(projectsOnly || text.contains(QLatin1String("rev>? AND rev<?")) || text.contains(QLatin1String("rev <=")),
                     qPrintable(QStringLiteral("a sort over an unbounded range:\n%1\n%2").arg(sql, text)));
    }
    QVERIFY2(feedQueries >= 6 * 7, qPrintable(QString::number(feedQueries)));
    QVERIFY2(boundedRanges >= 6 * 5, qPrintable(QString::number(boundedRanges)));
}

void TestChangeFeed::walkReturnsEveryRowOnceInRevOrder()
{
    for (const int limit : {1, 7, 50, 1000}) {
        int pages = 0;
        const QJsonArray all = walk(m_owner, limit, &pages);
        QVERIFY2(!all.isEmpty(), "the walk failed or went backwards");
        QSet<QString> generations;
        qint64 last = 0;
        for (const QJsonValue &value : all) {
            const QJsonObject change = value.toObject();
            QVERIFY(change.value(QStringLiteral("rev")).toInteger() > last);
            last = change.value(QStringLiteral("rev")).toInteger();
            if (change.value(QStringLiteral("kind")).toString() == QLatin1String("generation")) {
                const QString id = change.value(QStringLiteral("id")).toString();
                QVERIFY2(!generations.contains(id), qPrintable(id));
                generations.insert(id);
                QVERIFY(change.value(QStringLiteral("data")).toObject().value(QStringLiteral("userId")).toString() == m_owner);
            }
        }
        const QSet<QString> expected(m_generations.cbegin(), m_generations.cend());
        QCOMPARE(generations, expected);
        // Pages are full until the end: a walk costs about rows / limit pages, not one per window.
        if (limit <= 50)
            QVERIFY2(pages <= all.size() / limit + 3, qPrintable(QStringLiteral("%1 pages for %2 rows at limit %3").arg(pages).arg(all.size()).arg(limit)));
    }
    // The member sees the shared project's rows and not the other user's.
    int pages = 0;
    const QJsonArray member = walk(m_member, 1000, &pages);
    int generations = 0;
    for (const QJsonValue &value : member)
        generations += value.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("generation");
    QCOMPARE(generations, int(m_generations.size()));
}

void TestChangeFeed::progressTickAddsNoRevision()
{
    const QString id = addGeneration(m_project, m_session, m_owner, QStringLiteral("processing"));
    const qint64 rev = scalar(QStringLiteral("SELECT rev FROM generations WHERE id = :id"), id);
    const qint64 counter = scalar(QStringLiteral("SELECT value FROM rev_counter"));
    JobQueue queue(*m_db);
    queue.writeProgress(id, 40, true);
    queue.writeProgress(id, 60, true);
    QCOMPARE(scalar(QStringLiteral("SELECT progress FROM generations WHERE id = :id"), id), qint64(60));
    QCOMPARE(scalar(QStringLiteral("SELECT rev FROM generations WHERE id = :id"), id), rev);
    QCOMPARE(scalar(QStringLiteral("SELECT value FROM rev_counter")), counter);
    // A status change still is a change.
    QVERIFY(queue.markProcessing(id));
    QVERIFY(scalar(QStringLiteral("SELECT rev FROM generations WHERE id = :id"), id) > rev);
}

void TestChangeFeed::creditChangeIsAProfileChange()
{
    ChangeFeed feed(*m_db);
    const qint64 since = feed.head();
    {
        QSqlDatabase db = m_db->connection();
        Transaction tx(*m_db, db);
        GenerationSettlement::refund(*m_db, db, m_member, newUuidV7(), 7);
        tx.commit();
    }
    const ChangePage page = feed.read(m_member, since, 100);
    const QJsonArray changes = QJsonDocument::fromJson(page.changes).array();
    QCOMPARE(changes.size(), 1);
    const QJsonObject change = changes.at(0).toObject();
    QCOMPARE(change.value(QStringLiteral("kind")).toString(), QStringLiteral("profile"));
    QCOMPARE(change.value(QStringLiteral("id")).toString(), m_member);
    QCOMPARE(change.value(QStringLiteral("data")).toObject().value(QStringLiteral("credits")).toInteger(), qint64(17));
    QCOMPARE(change.value(QStringLiteral("data")).toObject().value(QStringLiteral("email")).toString(), QStringLiteral("member@feed.test"));
    // Nobody else hears of it.
    QCOMPARE(QJsonDocument::fromJson(feed.read(m_owner, since, 100).changes).array().size(), 0);
}

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
