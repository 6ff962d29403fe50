#pragma once
// Rate limits that hold across every server instance on one PostgreSQL database: each check is one
// INSERT ... ON CONFLICT DO UPDATE on rate_limits (migration 0013) that refills and spends the key's
// token bucket in SQL with the database's clock, so no lock is held between requests and instances
// with skewed clocks still agree. SQLite and the embedded app keep InMemoryRateLimitStore.
#include "common/ratelimiter.h"

namespace vesper::backend {

class Database;

class SharedRateLimitStore final : public RateLimitStore {
public:
    explicit SharedRateLimitStore(Database &database);

    /// One round trip on this thread's connection of `database` (give the store a Database of its own,
    /// so a check made inside a request's transaction counts even if it rolls back). Throws DbError
    /// when the database fails.
    RateDecision hit(const QString &key, int limit, int windowSeconds) override;

    /// Deletes buckets that have filled up again (the same as no row); returns how many went.
    static int sweep(Database &database);

private:
    Database &m_database;
};

} // namespace vesper::backend
