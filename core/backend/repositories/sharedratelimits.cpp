#include "backend/repositories/sharedratelimits.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"

#include <cmath>

namespace vesper::backend {
namespace {
// A new key starts full and spends one. An existing one refills by rate for the time since its last
// hit (capped), then spends one when at least one is there. Every SET expression reads the old row.
QString hitSql()
{
    const QString refilled = QStringLiteral("LEAST(EXCLUDED.cap, r.tokens + EXTRACT(EPOCH FROM now() - r.updated_at) * EXCLUDED.rate)");
    const QString left = QStringLiteral("(CASE WHEN %1 >= 1 THEN %1 - 1 ELSE %1 END)").arg(refilled);
    return QStringLiteral("INSERT INTO rate_limits AS r (bucket, tokens, cap, rate, allowed, updated_at, full_at) "
                          "VALUES (:bucket, CAST(:cap AS double precision) - 1, :cap2, :rate, true, now(), "
                          "now() + make_interval(secs => 1 / CAST(:rate2 AS double precision))) "
                          "ON CONFLICT (bucket) DO UPDATE SET tokens = %1, cap = EXCLUDED.cap, rate = EXCLUDED.rate, "
                          "allowed = %2 >= 1, updated_at = now(), "
                          "full_at = now() + make_interval(secs => (EXCLUDED.cap - %1) / EXCLUDED.rate) "
                          "RETURNING r.tokens, r.allowed")
        .arg(left, refilled);
}
} // namespace

SharedRateLimitStore::SharedRateLimitStore(Database &database)
    : m_database(database)
{
}

RateDecision SharedRateLimitStore::hit(const QString &key, int limit, int windowSeconds)
{
    if (limit <= 0 || windowSeconds <= 0)
        return {};
    const double rate = double(limit) / double(windowSeconds);
    static const QString sql = hitSql();
    SqlQuery q(m_database.connection(), sql);
    q.bind(QStringLiteral(":bucket"), key).bind(QStringLiteral(":cap"), double(limit)).bind(QStringLiteral(":cap2"), double(limit));
    q.bind(QStringLiteral(":rate"), rate).bind(QStringLiteral(":rate2"), rate);
    q.exec();
    if (!q.next() || q.boolean(1))
        return {};
    const double tokens = q.value(0).toDouble();
    return {false, std::max(1, int(std::ceil((1.0 - tokens) / rate)))};
}

int SharedRateLimitStore::sweep(Database &database)
{
    SqlQuery q(database.connection(), QStringLiteral("DELETE FROM rate_limits WHERE full_at < now()"));
    q.exec();
    return q.numRowsAffected();
}

} // namespace vesper::backend
