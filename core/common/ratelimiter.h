#pragma once
// Per-key rate limiting behind an interface, so a shared store (PostgreSQL, for many server
// instances) can replace the in-memory one without touching the callers.
#include <QHash>
#include <QMutex>
#include <QString>

namespace vesper {

struct RateDecision {
    bool allowed = true;
    int retryAfterSeconds = 0;
};

/// Counts hits per key in a window and says whether one more is allowed.
class RateLimitStore {
public:
    virtual ~RateLimitStore() = default;
    /// Records one hit for key against `limit` hits per `windowSeconds`.
    virtual RateDecision hit(const QString &key, int limit, int windowSeconds) = 0;
};

/// A token bucket per key held in this process's memory.
class InMemoryRateLimitStore final : public RateLimitStore {
public:
    RateDecision hit(const QString &key, int limit, int windowSeconds) override;

private:
    struct Bucket {
        double tokens = 0;
        qint64 updatedMicros = 0;
        double limit = 0;     // its own limit and rate: the sweep must not judge it by the caller's
        double perMicro = 0;
    };
    QMutex m_mutex;
    QHash<QString, Bucket> m_buckets;
    qint64 m_lastSweepMicros = 0;
};

} // namespace vesper
