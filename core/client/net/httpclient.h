#pragma once
// The client core's one way to make HTTP calls (DESIGN §6): blocking calls on the caller's worker
// thread (never the GUI thread) over one reused libcurl connection per thread, retries with backoff
// and jitter for idempotent calls only, Retry-After honoured, and a circuit breaker whose state is
// the app's online/offline state. start() runs calls on the client's own pool (>= 6 at once).
#include "client/net/httprequest.h"
#include "common/circuitbreaker.h"

#include <QFuture>
#include <QObject>
#include <QThreadPool>
#include <atomic>

namespace vesper::client {

struct HttpClientOptions {
    int connectTimeoutMs = 10000;
    int maxAttempts = 4;          // first try included
    int backoffBaseMs = 250;      // doubled per attempt, with full jitter
    int backoffMaxMs = 8000;
    int maxRetryAfterSeconds = 30; // a longer Retry-After is not waited for: the error carries it
    qint64 maxResponseBytes = 64LL << 20;
    int breakerThreshold = 3;      // transport failures in a row before going offline
    int probeIntervalMs = 5000;    // while offline: how often one call (or the probe URL) may try
    int poolThreads = 8;           // start()'s pool; at least 6
    QByteArray userAgent = "vesper-client/0.1";
};

class HttpClient : public QObject {
    Q_OBJECT
public:
    explicit HttpClient(HttpClientOptions options = {}, QObject *parent = nullptr);
    ~HttpClient() override;

    /// Blocking; retries idempotent calls; fails fast (offline = true) while the breaker is open.
    HttpResponse call(const HttpRequest &request);
    /// A streamed call (Server-Sent Events), blocking on the caller's thread until the answer ends:
    /// a 2xx body goes to onChunk as it arrives (the result's body stays empty); any other answer
    /// is returned whole, as call() would. Never retried (the caller reconnects); no total timeout,
    /// only request.readIdleSeconds of silence; onChunk returning false or request.cancelled stops
    /// it (Failure::Cancelled). Fails fast while offline, and counts toward the breaker like call().
    HttpResponse stream(const HttpRequest &request, const std::function<bool(QByteArrayView chunk)> &onChunk);
    /// The same call on the client's own pool.
    QFuture<HttpResponse> start(const HttpRequest &request);
    /// The circuit breaker's state: false after repeated transport failures until a call succeeds.
    bool isOnline() const { return m_online.load(); }
    /// A URL answered cheaply (e.g. <server>/healthz) that a background probe polls while offline,
    /// so onlineChanged(true) comes without waiting for the app's next call. Empty: no probe.
    void setProbeUrl(const QString &url);
    const HttpClientOptions &options() const { return m_options; }

Q_SIGNALS:
    /// Emitted from whichever thread saw the change.
    void onlineChanged(bool online);

private:
    HttpResponse sendOnce(const HttpRequest &request, bool *sent);
    /// Milliseconds to wait before the next attempt, or -1 when no retry is due.
    int retryDelayMs(const HttpRequest &request, const HttpResponse &response, int attempt) const;
    void recordOutcome(const HttpResponse &response);
    void setOnline(bool online);
    void startProbe();
    /// Sleeps in slices, false when cancelled or the client is shutting down.
    bool sleepUnlessCancelled(int ms, const HttpRequest &request) const;

    HttpClientOptions m_options;
    CircuitBreakers m_breaker;
    QThreadPool m_pool;
    std::atomic<bool> m_online{true};
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_probing{false};
    mutable QMutex m_probeMutex;
    QString m_probeUrl;
};

} // namespace vesper::client
