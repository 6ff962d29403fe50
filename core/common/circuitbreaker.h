#pragma once
// A circuit breaker per provider: after `threshold` failures in a row it opens, and callers are
// told the provider is unavailable; after `cooldown` one probe call is let through (half-open),
// and its success closes the breaker again. Thread-safe; time is injected for tests. Each backend
// owns its own set (nothing here is process-wide).
#include <QHash>
#include <QMutex>
#include <QString>

namespace vesper {

class CircuitBreakers {
public:
    enum class State { Closed, Open, HalfOpen };

    CircuitBreakers(int threshold = 5, qint64 cooldownMicros = 30LL * 1000000);

    /// Whether a call to key may go ahead now; in the half-open state only one probe at a time, and
    /// *probe (when given) says whether this call is that probe.
    bool allow(const QString &key, qint64 nowMicros, bool *probe = nullptr);
    /// Whether key is closed, for catalogues: an open or half-open breaker stays unavailable until
    /// a probe has succeeded.
    bool available(const QString &key, qint64 nowMicros) const;
    void recordSuccess(const QString &key);
    void recordFailure(const QString &key, qint64 nowMicros);
    /// The probe allowed by allow() ended without telling anything about the provider (cancelled,
    /// shut down, lost): frees the probe slot so another call may probe. Harmless after a record*();
    /// only the call that is the probe may call it.
    void abandon(const QString &key);
    State state(const QString &key, qint64 nowMicros) const;
    /// Microseconds until an open breaker lets a probe through; 0 when closed or half-open.
    qint64 waitMicros(const QString &key, qint64 nowMicros) const;

private:
    struct Breaker {
        int failures = 0;
        qint64 openedAt = 0;
        bool open = false;
        bool probing = false;
    };
    int m_threshold;
    qint64 m_cooldown;
    mutable QMutex m_mutex;
    QHash<QString, Breaker> m_breakers;
};

} // namespace vesper
