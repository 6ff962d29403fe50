#include "backend/repositories/idempotencystore.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"

namespace vesper::backend {

IdempotencyStore::IdempotencyStore(Database &database)
    : m_database(database)
{
}

std::optional<StoredAnswer> IdempotencyStore::find(const QSqlDatabase &db, const QString &userId, const QString &key)
{
    SqlQuery q(db, QStringLiteral("SELECT fingerprint, status, response FROM idempotency_keys WHERE user_id = :u AND idem_key = :k"));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":k"), key).exec();
    if (!q.next())
        return std::nullopt;
    return StoredAnswer{q.text(0), int(q.int64(1)), q.text(2).toUtf8()};
}

bool IdempotencyStore::claim(const QSqlDatabase &db, const QString &userId, const QString &key, const QString &fingerprint)
{
    // DO NOTHING rather than a constraint error: on PostgreSQL an error would abort the transaction.
    SqlQuery q(db, QStringLiteral("INSERT INTO idempotency_keys (user_id, idem_key, fingerprint, status, response, created_at) "
                                  "VALUES (:u, :k, :f, 0, '', %1) ON CONFLICT (user_id, idem_key) DO NOTHING")
                       .arg(m_database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":k"), key).bind(QStringLiteral(":f"), fingerprint)
        .bind(QStringLiteral(":now"), nowMicros()).exec();
    return q.numRowsAffected() == 1;
}

void IdempotencyStore::save(const QSqlDatabase &db, const QString &userId, const QString &key, int status, const QByteArray &body)
{
    SqlQuery q(db, QStringLiteral("UPDATE idempotency_keys SET status = :s, response = :r WHERE user_id = :u AND idem_key = :k"));
    q.bind(QStringLiteral(":s"), status).bind(QStringLiteral(":r"), QString::fromUtf8(body)).bind(QStringLiteral(":u"), userId)
        .bind(QStringLiteral(":k"), key).exec();
}

int IdempotencyStore::prune(qint64 cutoffMicros)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db, Transaction::WithoutRevs);
    SqlQuery q(db, QStringLiteral("DELETE FROM idempotency_keys WHERE created_at < %1").arg(m_database.timeParam(QStringLiteral(":cut"))));
    q.bind(QStringLiteral(":cut"), cutoffMicros).exec();
    const int deleted = q.numRowsAffected();
    tx.commit();
    return deleted;
}

} // namespace vesper::backend
