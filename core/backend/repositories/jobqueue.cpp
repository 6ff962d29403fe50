#include "backend/repositories/jobqueue.h"
#include "backend/db/changenotifier.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/db/writegate.h"
#include "common/clock.h"

namespace vesper::backend {
namespace {
constexpr qint64 kSecond = 1000000;
}

JobQueue::JobQueue(Database &database)
    : m_database(database)
{
}

void JobQueue::enqueue(const QSqlDatabase &db, const QString &generationId, int priority, int maxAttempts)
{
    SqlQuery q(db, QStringLiteral("INSERT INTO jobs (generation_id, priority, run_after, attempts, max_attempts) "
                                  "VALUES (:g, :p, %1, 0, :m)").arg(m_database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":p"), priority).bind(QStringLiteral(":now"), nowMicros())
        .bind(QStringLiteral(":m"), maxAttempts).exec();
}

std::optional<ClaimedJob> JobQueue::claim(const QString &owner, int leaseSeconds)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    const qint64 now = nowMicros();
    const QString due = QStringLiteral("(lease_owner IS NULL OR lease_expires_at < %1) AND run_after <= %1")
                            .arg(d.timeParam(QStringLiteral(":now")));
    if (m_database.isSqlite()) {
        // An idle poll must not take SQLite's write lock: look first, claim only when something is due.
        SqlQuery peek(db, QStringLiteral("SELECT 1 FROM jobs WHERE %1 ORDER BY priority DESC, run_after LIMIT 1").arg(due));
        peek.bind(QStringLiteral(":now"), now).exec();
        if (!peek.next())
            return std::nullopt;
    }
    const QString lock = m_database.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE SKIP LOCKED");
    const QString sql = QStringLiteral("UPDATE jobs SET lease_owner = :o, lease_expires_at = %1, attempts = attempts + 1 "
                                       "WHERE generation_id = (SELECT generation_id FROM jobs WHERE %2 "
                                       "ORDER BY priority DESC, run_after LIMIT 1%3) "
                                       "RETURNING generation_id, attempts, max_attempts")
                            .arg(d.timeParam(QStringLiteral(":exp")), due, lock);
    std::optional<ClaimedJob> job;
    auto run = [&] {
        SqlQuery q(db, sql);
        q.bind(QStringLiteral(":o"), owner).bind(QStringLiteral(":exp"), now + leaseSeconds * kSecond)
            .bind(QStringLiteral(":now"), now).exec();
        if (q.next())
            job = ClaimedJob{q.text(0), int(q.int64(1)), int(q.int64(2))};
    };
    if (m_database.isSqlite()) {
        Transaction tx(m_database, db);
        run();
        tx.commit();
    } else {
        run(); // one statement: its own transaction, rows locked by other claimers skipped
    }
    return job;
}

bool JobQueue::extend(const QString &generationId, const QString &owner, int leaseSeconds)
{
    WriteGate gate(m_database);
    SqlQuery q(m_database.connection(), QStringLiteral("UPDATE jobs SET lease_expires_at = %1 WHERE generation_id = :g AND lease_owner = :o")
                                            .arg(m_database.timeParam(QStringLiteral(":exp"))));
    q.bind(QStringLiteral(":exp"), nowMicros() + leaseSeconds * kSecond).bind(QStringLiteral(":g"), generationId)
        .bind(QStringLiteral(":o"), owner).exec();
    return q.numRowsAffected() > 0;
}

void JobQueue::retryLater(const QString &generationId, const QString &owner, qint64 delayMicros, const QString &error)
{
    WriteGate gate(m_database);
    SqlQuery q(m_database.connection(), QStringLiteral("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, run_after = %1, "
                                                       "last_error = :e WHERE generation_id = :g AND lease_owner = :o")
                                            .arg(m_database.timeParam(QStringLiteral(":after"))));
    q.bind(QStringLiteral(":after"), nowMicros() + delayMicros).bind(QStringLiteral(":e"), error.left(500))
        .bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":o"), owner).exec();
}

void JobQueue::release(const QString &generationId, const QString &owner, qint64 delayMicros)
{
    WriteGate gate(m_database);
    SqlQuery q(m_database.connection(), QStringLiteral("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL, "
                                                       "attempts = attempts - 1, run_after = %1 WHERE generation_id = :g AND lease_owner = :o")
                                            .arg(m_database.timeParam(QStringLiteral(":after"))));
    q.bind(QStringLiteral(":after"), nowMicros() + delayMicros).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":o"), owner).exec();
}

QString JobQueue::providerTask(const QString &generationId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT provider_task FROM jobs WHERE generation_id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    return q.next() && !q.value(0).isNull() ? q.text(0) : QString();
}

bool JobQueue::setProviderTask(const QString &generationId, const QString &owner, const QString &task)
{
    WriteGate gate(m_database);
    SqlQuery q(m_database.connection(), QStringLiteral("UPDATE jobs SET provider_task = :t WHERE generation_id = :g AND lease_owner = :o"));
    q.bind(QStringLiteral(":t"), task).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":o"), owner).exec();
    return q.numRowsAffected() > 0;
}

bool JobQueue::cancelRequested(const QString &generationId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT cancel_requested FROM jobs WHERE generation_id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    // A job that is gone was cancelled or deleted under the worker.
    return !q.next() || q.boolean(0);
}

void JobQueue::requestCancel(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("UPDATE jobs SET cancel_requested = TRUE WHERE generation_id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
}

bool JobQueue::isLeased(const Database &database, const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("SELECT 1 FROM jobs WHERE generation_id = :g AND lease_owner IS NOT NULL AND lease_expires_at >= %1")
                       .arg(database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":now"), nowMicros()).exec();
    return q.next();
}

void JobQueue::remove(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("DELETE FROM jobs WHERE generation_id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
}

qint64 JobQueue::depth()
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT COUNT(*) FROM jobs"));
    q.exec();
    return q.next() ? q.int64(0) : 0;
}

std::optional<JobRecord> JobQueue::load(const QString &generationId)
{
    // Scoped: on SQLite a statement left open keeps an old snapshot and a later write on this
    // connection would fail with "database is locked".
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT g.user_id, g.session_id, g.project_id, g.model_id, g.prompt, g.negative_prompt, "
                              "g.parameters, g.status, j.cancel_requested FROM generations g "
                              "JOIN jobs j ON j.generation_id = g.id WHERE g.id = :g"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    if (!q.next())
        return std::nullopt;
    JobRecord r;
    r.userId = q.text(0);
    r.sessionId = q.text(1);
    r.projectId = q.text(2);
    r.modelId = q.text(3);
    r.prompt = q.text(4);
    r.negativePrompt = q.text(5);
    r.parametersJson = q.text(6);
    // The column admits only known names (CHECK); an unknown one counts as unfinished, as in
    // GenerationSettlement::isFinished.
    r.status = generationStatusFromName(q.text(7)).value_or(GenerationStatus::Processing);
    r.cancelRequested = q.boolean(8);
    return r;
}

bool JobQueue::markProcessing(const QString &generationId)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    // The rev counter (taken at BEGIN, see Transaction), then the generation's row, as every
    // writer takes them: the other order deadlocks on PostgreSQL.
    if (!m_database.isSqlite()) {
        SqlQuery lock(db, QStringLiteral("SELECT 1 FROM generations WHERE id = :g AND status IN ('queued', 'processing') FOR UPDATE"));
        lock.bind(QStringLiteral(":g"), generationId).exec();
        if (!lock.next()) {
            tx.commit();
            return false;
        }
    }
    SqlQuery q(db, QStringLiteral("UPDATE generations SET status = 'processing', started_at = COALESCE(started_at, %1), rev = :rev "
                                  "WHERE id = :g AND status IN ('queued', 'processing')").arg(m_database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).bind(QStringLiteral(":g"), generationId).exec();
    const bool updated = q.numRowsAffected() > 0;
    tx.commit();
    return updated;
}

void JobQueue::writeProgress(const QString &generationId, int percent, bool estimate)
{
    // One row, one statement: no transaction needed. No new rev either: a progress tick is not a feed
    // change (clients poll /api/generations/status for it), so ticks never take the rev counter's lock.
    SqlQuery q(m_database.connection(), QStringLiteral("UPDATE generations SET progress = :p, progress_is_estimate = :e "
                                                       "WHERE id = :g AND status = 'processing' AND progress < :p RETURNING user_id"));
    q.bind(QStringLiteral(":p"), percent).bind(QStringLiteral(":e"), estimate).bind(QStringLiteral(":g"), generationId).exec();
    if (!q.next())
        return;
    // The owner's change streams show the tick (from whichever instance runs the job).
    const ProgressTick tick{q.text(0), generationId, percent, estimate};
    ChangeNotifier &changes = m_database.changes();
    if (changes.viaDatabase()) {
        SqlQuery notify(m_database.connection(), QStringLiteral("SELECT pg_notify('%1', :payload)").arg(QLatin1String(ChangeNotifier::kProgressChannel)));
        notify.bind(QStringLiteral(":payload"), QString::fromUtf8(ChangeNotifier::encodeProgress(tick))).exec();
    } else {
        changes.progressed(tick);
    }
}

QHash<QString, QString> JobQueue::uploadKeys(const QString &userId, const QStringList &ids)
{
    QHash<QString, QString> keys;
    if (ids.isEmpty())
        return keys;
    QStringList names;
    for (qsizetype i = 0; i < ids.size(); ++i)
        names << QStringLiteral(":r%1").arg(i);
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT id, storage_key FROM uploads WHERE user_id = :u AND id IN (%1)").arg(names.join(QLatin1Char(','))));
    q.bind(QStringLiteral(":u"), userId);
    for (qsizetype i = 0; i < ids.size(); ++i)
        q.bind(names.at(i), ids.at(i));
    q.exec();
    while (q.next())
        keys.insert(q.text(0), q.text(1));
    return keys;
}

} // namespace vesper::backend
