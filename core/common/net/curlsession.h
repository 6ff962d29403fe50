#pragma once
// The one libcurl wrapper (DESIGN §1): blocking HTTP calls on the caller's own thread, with a connect
// timeout, a whole-call timeout, a cap on the response size, and a cancel check while bytes move, so
// a peer that hangs never holds a thread. The backend's provider adapters and the client core both
// use it; neither knows about the other.
//
//     net::CurlSession http([&] { return stopping.load(); }, 30, "vesper/0.1");
//     const net::CurlResponse r = http.get(QStringLiteral("http://127.0.0.1:7860/sdapi/v1/progress"));
//     if (!r.ok()) { ... r.failure, r.status, r.error ... }
#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>

namespace vesper::net {

/// What one call brought back; `failure` says why no complete answer arrived.
struct CurlResponse {
    /// Setup: a mistake no retry mends (TLS verification, a malformed URL, an unsupported scheme).
    enum class Failure { None, Timeout, Cancelled, Network, TooLarge, Setup };
    Failure failure = Failure::None;
    int status = 0;                          // 0 when no status line arrived
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;   // lower-case names, last value wins
    QString error;                           // the transport error, readable

    bool ok() const { return failure == Failure::None && status >= 200 && status < 300; }
};

/// Blocking calls that reuse one connection; not shared between threads.
class CurlSession {
public:
    /// cancelled may be empty (no cancel checks); timeoutSeconds bounds each whole call.
    CurlSession(std::function<bool()> cancelled, int timeoutSeconds, QByteArray userAgent);
    ~CurlSession();
    CurlSession(const CurlSession &) = delete;
    CurlSession &operator=(const CurlSession &) = delete;

    /// A header sent with every call (an API key, for instance).
    void setHeader(const QByteArray &name, const QByteArray &value);
    void setMaxResponseBytes(qint64 bytes) { m_maxBytes = bytes; }
    void setTimeoutSeconds(int seconds) { m_timeoutSeconds = seconds; }
    void setConnectTimeoutMs(long ms) { m_connectTimeoutMs = ms; }
    /// Replaces the cancel check (a session reused across calls takes each call's own check).
    void setCancelCheck(std::function<bool()> cancelled) { m_cancelled = std::move(cancelled); }

    CurlResponse get(const QString &url);
    CurlResponse post(const QString &url, const QByteArray &body, const QByteArray &contentType = "application/json");
    /// extraHeaders go with this call only (If-Match, Idempotency-Key, ...).
    CurlResponse send(const QByteArray &method, const QString &url, const QByteArray &body = {},
                      const QByteArray &contentType = {}, const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {});
    /// A call whose 2xx body is handed to onChunk piece by piece as it arrives (an event stream)
    /// instead of being kept (response.body then holds only a non-2xx answer's body, capped as
    /// usual). No whole-call timeout: idleSeconds without a byte ends it (Timeout). onChunk
    /// returning false, or the cancel check (polled about once a second), stops it (Cancelled).
    CurlResponse stream(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType,
                        const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                        const std::function<bool(QByteArrayView chunk)> &onChunk, int idleSeconds);

private:
    CurlResponse perform(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType,
                         const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                         const std::function<bool(QByteArrayView)> *onChunk, int idleSeconds);

    std::function<bool()> m_cancelled;
    int m_timeoutSeconds;
    long m_connectTimeoutMs = 10000;
    QByteArray m_userAgent;
    qint64 m_maxBytes = 128LL << 20;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    void *m_curl = nullptr; // one easy handle, so its connection is reused between calls
};

/// Seconds from a Retry-After header (delta seconds or an HTTP date), at most an hour; 0 when absent
/// or unreadable.
int retryAfterSeconds(const QByteArray &value);

} // namespace vesper::net
