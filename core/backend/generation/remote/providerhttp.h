#pragma once
// The HTTP client of the remote provider adapters: libcurl on the worker's own thread, with a
// connect timeout, a whole-call timeout, a cap on the response size, and the job's cancel and
// deadline checked while bytes move, so a provider that hangs never holds a worker.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>

namespace vesper::backend {

class ProgressSink;
struct ProviderResult;

/// What one call brought back; `failure` says why no complete answer arrived.
struct ProviderResponse {
    /// Setup: a mistake no retry mends (TLS verification, a malformed URL, an unsupported scheme).
    enum class Failure { None, Timeout, Cancelled, Network, TooLarge, Setup };
    Failure failure = Failure::None;
    int status = 0;                          // 0 when no status line arrived
    QByteArray body;
    QHash<QByteArray, QByteArray> headers;   // lower-case names, last value wins
    QString error;                           // the transport error, readable

    bool ok() const { return failure == Failure::None && status >= 200 && status < 300; }
};

/// Blocking calls for one job; not shared between threads.
class ProviderHttp {
public:
    /// sink may be null (no cancel checks); timeoutSeconds bounds each whole call.
    ProviderHttp(ProgressSink *sink, int timeoutSeconds);
    ~ProviderHttp();
    ProviderHttp(const ProviderHttp &) = delete;
    ProviderHttp &operator=(const ProviderHttp &) = delete;

    /// A header sent with every call (an API key, for instance).
    void setHeader(const QByteArray &name, const QByteArray &value);
    void setMaxResponseBytes(qint64 bytes) { m_maxBytes = bytes; }

    ProviderResponse get(const QString &url);
    ProviderResponse post(const QString &url, const QByteArray &body, const QByteArray &contentType = "application/json");
    ProviderResponse send(const QByteArray &method, const QString &url, const QByteArray &body = {},
                      const QByteArray &contentType = {});

private:
    ProgressSink *m_sink;
    int m_timeoutSeconds;
    qint64 m_maxBytes = 128LL << 20;
    QList<QPair<QByteArray, QByteArray>> m_headers;
    void *m_curl = nullptr; // one easy handle per job, so its connection is reused between calls
};

/// A call that failed, as the provider's result: 429 is RATE_LIMITED and honours Retry-After; 5xx,
/// timeouts and broken connections are transient; other 4xx are permanent PROVIDER_ERRORs that carry
/// the provider's own message (bounded, printable). `provider` names it in the message.
ProviderResult failedCall(const ProviderResponse &response, const QString &provider);
/// A provider that answered something we cannot use: permanent BAD_RESPONSE with `what` in it.
ProviderResult badResponse(const QString &provider, const QString &what);
/// Text from a provider made safe to show: printable characters only, at most `limit` of them.
QString boundedText(const QString &text, int limit = 300);
/// Seconds from a Retry-After header (delta seconds or an HTTP date); 0 when absent or unreadable.
int retryAfterSeconds(const QByteArray &value);
/// The human part of a provider's error body ({"error":{"message"}}, {"detail"}, {"error"}, or text).
QString providerMessage(const QByteArray &body);

} // namespace vesper::backend
