#pragma once
// The external issuer's public signing keys (its JWKS), fetched by one background thread so no
// HTTP call runs on a request's thread: at start, then every cacheSeconds, and when a token names
// a `kid` not held (a rotated key). Fetches for unknown kids are rate-limited: a flood of tokens
// with made-up kids causes at most one fetch per refetchSeconds, and the rest are refused at once.
#include "backend/auth/jwkkey.h"

#include <QHash>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace vesper::backend {

class JwksCache {
public:
    /// jwksUrl: the full URL of the key set (<auth-url>/.well-known/jwks.json).
    JwksCache(QString jwksUrl, int cacheSeconds, int refetchSeconds);
    ~JwksCache();
    JwksCache(const JwksCache &) = delete;
    JwksCache &operator=(const JwksCache &) = delete;

    /// Starts the fetch thread; the first fetch begins at once.
    void start();
    /// The key with this kid; for an unknown one, waits (at most a few seconds) for a fetch if the
    /// rate limit allows one, else nullopt at once.
    std::optional<JwkKey> key(const QString &kid);
    /// How many fetches completed, successful or not (for tests and logs).
    int fetches() const { return m_fetches.load(); }

private:
    /// The fetch loop: one GET at a time; a failed fetch keeps the keys held before.
    void run();

    const QString m_url;
    const qint64 m_cacheMs;
    const qint64 m_refetchMs;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    QHash<QString, JwkKey> m_keys;     // guarded by m_mutex
    bool m_fetchWanted = true;         // guarded: a fetch was asked for
    quint64 m_generation = 0;          // guarded: completed fetches, to wait for the next one
    qint64 m_lastKidFetchMs = -1;      // guarded: when an unknown kid last asked for a fetch
    std::atomic<bool> m_stopping{false};
    std::atomic<int> m_fetches{0};
    std::thread m_thread;
};

} // namespace vesper::backend
