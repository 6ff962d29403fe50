#include "backend/repositories/generationsettlement.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/jobqueue.h"
#include "backend/storage/objectstore.h"
#include "common/clock.h"
#include "domain/errorcode.h"

namespace vesper::backend {
namespace {
QString forUpdate(const Database &d)
{
    return d.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE");
}
} // namespace

QString GenerationSettlement::storedMessage(const QString &message)
{
    return message.size() <= kMessageLimit ? message : message.left(kMessageLimit - 1) + QStringLiteral("…");
}

bool GenerationSettlement::isFinished(const QString &status)
{
    const std::optional<GenerationStatus> known = generationStatusFromName(status);
    return known && vesper::isFinished(*known);
}

bool GenerationSettlement::hasOutputs(const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("SELECT 1 FROM outputs WHERE generation_id = :g LIMIT 1"));
    q.bind(QStringLiteral(":g"), generationId).exec();
    return q.next();
}

bool GenerationSettlement::holdsFiles(const QSqlDatabase &db, const QString &generationId)
{
    QString status;
    {
        SqlQuery q(db, QStringLiteral("SELECT status FROM generations WHERE id = :g"));
        q.bind(QStringLiteral(":g"), generationId).exec();
        if (!q.next())
            return false;
        status = q.text(0);
    }
    return !isFinished(status) || hasOutputs(db, generationId);
}

bool GenerationSettlement::finishUnsuccessful(Database &database, ObjectStore &store, const QString &generationId,
                                           GenerationStatus status, const QString &errorCode, const QString &errorMessage)
{
    QSqlDatabase db = database.connection();
    Transaction tx(database, db);
    QString userId, current;
    qint64 cost = 0;
    {
        SqlQuery q(db, QStringLiteral("SELECT user_id, status, cost FROM generations WHERE id = :g%1").arg(forUpdate(database)));
        q.bind(QStringLiteral(":g"), generationId).exec();
        if (q.next()) {
            userId = q.text(0);
            current = q.text(1);
            cost = q.int64(2);
        }
    }
    const bool open = !userId.isEmpty() && !isFinished(current);
    // Files of a generation that kept outputs (completed, or cancelled after some images) stay.
    const bool keepFiles = !userId.isEmpty() && hasOutputs(db, generationId);
    if (open) {
        const QVariant nullText{QMetaType(QMetaType::QString)};
        SqlQuery update(db, QStringLiteral("UPDATE generations SET status = :s, error_code = :c, error_message = :m, finished_at = %1, "
                                           "rev = :rev WHERE id = :g").arg(database.timeParam(QStringLiteral(":now"))));
        update.bind(QStringLiteral(":s"), generationStatusName(status)).bind(QStringLiteral(":c"), errorCode.isEmpty() ? nullText : QVariant(errorCode))
            .bind(QStringLiteral(":m"), errorCode.isEmpty() ? nullText : QVariant(storedMessage(errorMessage)))
            .bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":rev"), tx.allocateRevs(1))
            .bind(QStringLiteral(":g"), generationId).exec();
        refund(database, db, userId, generationId, cost);
    }
    JobQueue::remove(db, generationId);
    tx.commit();
    if (!userId.isEmpty() && !keepFiles)
        store.removeGeneration(userId, generationId);
    return open;
}

QList<GenerationFolder> GenerationSettlement::settleForDelete(Database &database, const QSqlDatabase &db, const QString &column,
                                                          const QString &id)
{
    Q_ASSERT(column == QLatin1String("session_id") || column == QLatin1String("project_id"));
    struct Row {
        GenerationFolder folder;
        QString status;
        qint64 cost = 0;
    };
    QList<Row> rows;
    {
        SqlQuery q(db, QStringLiteral("SELECT id, user_id, status, cost FROM generations WHERE %1 = :id%2").arg(column, forUpdate(database)));
        q.bind(QStringLiteral(":id"), id).exec();
        while (q.next())
            rows.append(Row{GenerationFolder{q.text(1), q.text(0)}, q.text(2), q.int64(3)});
    }
    QList<GenerationFolder> folders;
    folders.reserve(rows.size());
    for (const Row &row : std::as_const(rows)) {
        if (!isFinished(row.status))
            refund(database, db, row.folder.userId, row.folder.generationId, row.cost);
        folders.append(row.folder);
    }
    return folders;
}

void GenerationSettlement::removeFolders(ObjectStore &store, const QList<GenerationFolder> &folders)
{
    for (const GenerationFolder &folder : folders)
        store.removeGeneration(folder.userId, folder.generationId);
}

void GenerationSettlement::refund(Database &database, const QSqlDatabase &db, const QString &userId, const QString &generationId, qint64 cost)
{
    if (cost <= 0)
        return;
    // A new rev puts the balance in the user's changes feed (kind "profile").
    SqlQuery credit(db, QStringLiteral("UPDATE profiles SET credits = credits + :c, rev = :rev WHERE id = :u"));
    credit.bind(QStringLiteral(":c"), cost).bind(QStringLiteral(":u"), userId)
        .bind(QStringLiteral(":rev"), Transaction::allocateRevs(db, 1)).exec();
    SqlQuery ledger(db, QStringLiteral("INSERT INTO credit_ledger (user_id, generation_id, amount, reason, created_at) "
                                       "VALUES (:u, :g, :a, 'refund', %1)").arg(database.timeParam(QStringLiteral(":now"))));
    ledger.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":a"), cost)
        .bind(QStringLiteral(":now"), nowMicros()).exec();
}

std::optional<qint64> GenerationSettlement::debit(Database &database, const QSqlDatabase &db, const QString &userId,
                                                  const QString &generationId, qint64 cost)
{
    // A new rev puts the caller's balance in their changes feed (kind "profile").
    SqlQuery debit(db, QStringLiteral("UPDATE profiles SET credits = credits - :c, rev = :rev WHERE id = :u AND credits >= :c RETURNING credits"));
    debit.bind(QStringLiteral(":c"), cost).bind(QStringLiteral(":u"), userId)
        .bind(QStringLiteral(":rev"), Transaction::allocateRevs(db, 1)).exec();
    if (!debit.next())
        return std::nullopt;
    const qint64 credits = debit.int64(0);
    SqlQuery ledger(db, QStringLiteral("INSERT INTO credit_ledger (user_id, generation_id, amount, reason, created_at) "
                                       "VALUES (:u, :g, :a, 'generation', %1)").arg(database.timeParam(QStringLiteral(":now"))));
    ledger.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":g"), generationId).bind(QStringLiteral(":a"), -cost)
        .bind(QStringLiteral(":now"), nowMicros()).exec();
    return credits;
}

qint64 GenerationSettlement::balance(const QSqlDatabase &db, const QString &userId)
{
    SqlQuery balance(db, QStringLiteral("SELECT credits FROM profiles WHERE id = :u"));
    balance.bind(QStringLiteral(":u"), userId).exec();
    return balance.next() ? balance.int64(0) : 0;
}

std::optional<LockedGeneration> GenerationSettlement::lock(const Database &database, const QSqlDatabase &db, const QString &generationId)
{
    SqlQuery q(db, QStringLiteral("SELECT status, cost FROM generations WHERE id = :g%1").arg(forUpdate(database)));
    q.bind(QStringLiteral(":g"), generationId).exec();
    if (!q.next())
        return std::nullopt;
    return LockedGeneration{q.text(0), q.int64(1)};
}

void GenerationSettlement::finishWithImages(const Database &database, const QSqlDatabase &db, const QString &generationId,
                                            GenerationStatus status, qint64 finishedAt, qint64 rev, const QString &note)
{
    // A cancelled generation keeps the progress it had when it stopped.
    const bool completed = status == GenerationStatus::Completed;
    SqlQuery done(db, QStringLiteral("UPDATE generations SET status = :status%1, finished_at = %2, rev = :rev WHERE id = :g")
                          .arg(completed ? QStringLiteral(", progress = 100") : QString(), database.timeParam(QStringLiteral(":now"))));
    done.bind(QStringLiteral(":status"), generationStatusName(status)).bind(QStringLiteral(":now"), finishedAt)
        .bind(QStringLiteral(":rev"), rev).bind(QStringLiteral(":g"), generationId).exec();
    if (!note.isEmpty()) {
        SqlQuery why(db, QStringLiteral("UPDATE generations SET error_code = :c, error_message = :m WHERE id = :g"));
        why.bind(QStringLiteral(":c"), errorCodeName(ErrorCode::ProviderError)).bind(QStringLiteral(":m"), storedMessage(note)).bind(QStringLiteral(":g"), generationId).exec();
    }
}

} // namespace vesper::backend
