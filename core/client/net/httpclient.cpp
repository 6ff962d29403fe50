#include "client/net/httpclient.h"
#include "client/clientlogging.h"
#include "common/clock.h"

#include <QRandomGenerator>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>
#include <memory>

namespace vesper::client {
namespace {
const QString kServerKey = QStringLiteral("server");

/// One session per thread: its easy handle keeps the connection to the server open between calls.
net::CurlSession &threadSession(const QByteArray &userAgent)
{
    thread_local std::unique_ptr<net::CurlSession> session;
    if (!session)
        session = std::make_unique<net::CurlSession>(std::function<bool()>(), 30, userAgent);
    return *session;
}

bool isTransportFailure(net::CurlResponse::Failure failure)
{
    return failure == net::CurlResponse::Failure::Network || failure == net::CurlResponse::Failure::Timeout;
}
} // namespace

HttpClient::HttpClient(HttpClientOptions options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_breaker(qMax(1, m_options.breakerThreshold), qint64(qMax(1, m_options.probeIntervalMs)) * 1000)
{
    m_pool.setMaxThreadCount(qMax(6, m_options.poolThreads));
    m_pool.setExpiryTimeout(30000);
}

HttpClient::~HttpClient()
{
    m_stopping = true;
    m_pool.waitForDone();
}

void HttpClient::setProbeUrl(const QString &url)
{
    QMutexLocker lock(&m_probeMutex);
    m_probeUrl = url;
}

QFuture<HttpResponse> HttpClient::start(const HttpRequest &request)
{
    return QtConcurrent::run(&m_pool, [this, request] { return call(request); });
}

HttpResponse HttpClient::call(const HttpRequest &request)
{
    HttpResponse response;
    for (int attempt = 1;; ++attempt) {
        bool sent = false;
        response = sendOnce(request, &sent);
        response.attempts = sent ? attempt : attempt - 1;
        if (!sent)
            return response; // offline or cancelled before sending
        const int delay = retryDelayMs(request, response, attempt);
        if (delay < 0)
            return response;
        qCDebug(lcClientNet).noquote() << request.method << "attempt" << attempt << "failed (" << response.status << response.error
                                       << "); retrying in" << delay << "ms";
        if (!sleepUnlessCancelled(delay, request)) {
            response.failure = net::CurlResponse::Failure::Cancelled;
            response.error = QStringLiteral("the call was stopped");
            return response;
        }
    }
}

HttpResponse HttpClient::stream(const HttpRequest &request, const std::function<bool(QByteArrayView chunk)> &onChunk)
{
    HttpResponse response;
    if ((request.cancelled && request.cancelled()) || m_stopping) {
        response.failure = net::CurlResponse::Failure::Cancelled;
        response.error = QStringLiteral("the call was stopped");
        return response;
    }
    bool probe = false;
    if (!m_breaker.allow(kServerKey, nowMicros(), &probe)) {
        response.failure = net::CurlResponse::Failure::Network;
        response.offline = true;
        response.error = QStringLiteral("the server is unreachable (offline); the next try is in a few seconds");
        return response;
    }
    response.attempts = 1;
    net::CurlSession &session = threadSession(m_options.userAgent);
    session.setConnectTimeoutMs(m_options.connectTimeoutMs);
    session.setMaxResponseBytes(request.maxResponseBytes > 0 ? request.maxResponseBytes : m_options.maxResponseBytes);
    const std::function<bool()> cancelled = request.cancelled;
    session.setCancelCheck([this, cancelled] { return m_stopping.load() || (cancelled && cancelled()); });
    static_cast<net::CurlResponse &>(response) = session.stream(request.method, request.url, request.body, request.contentType,
                                                                request.headers, onChunk, request.readIdleSeconds);
    session.setCancelCheck({});
    if (response.failure == net::CurlResponse::Failure::Cancelled || response.failure == net::CurlResponse::Failure::Setup) {
        if (probe)
            m_breaker.abandon(kServerKey);
        return response;
    }
    recordOutcome(response);
    return response;
}

HttpResponse HttpClient::sendOnce(const HttpRequest &request, bool *sent)
{
    HttpResponse response;
    if ((request.cancelled && request.cancelled()) || m_stopping) {
        response.failure = net::CurlResponse::Failure::Cancelled;
        response.error = QStringLiteral("the call was stopped");
        return response;
    }
    bool probe = false;
    if (!m_breaker.allow(kServerKey, nowMicros(), &probe)) {
        response.failure = net::CurlResponse::Failure::Network;
        response.offline = true;
        response.error = QStringLiteral("the server is unreachable (offline); the next try is in a few seconds");
        return response;
    }
    *sent = true;
    net::CurlSession &session = threadSession(m_options.userAgent);
    session.setTimeoutSeconds(qMax(1, request.timeoutSeconds));
    session.setConnectTimeoutMs(m_options.connectTimeoutMs);
    session.setMaxResponseBytes(request.maxResponseBytes > 0 ? request.maxResponseBytes : m_options.maxResponseBytes);
    const std::function<bool()> cancelled = request.cancelled;
    session.setCancelCheck([this, cancelled] { return m_stopping.load() || (cancelled && cancelled()); });
    static_cast<net::CurlResponse &>(response) =
        session.send(request.method, request.url, request.body, request.contentType, request.headers);
    session.setCancelCheck({});
    if (response.failure == net::CurlResponse::Failure::Cancelled || response.failure == net::CurlResponse::Failure::Setup) {
        if (probe)
            m_breaker.abandon(kServerKey); // says nothing about the server
        return response;
    }
    recordOutcome(response);
    return response;
}

void HttpClient::recordOutcome(const HttpResponse &response)
{
    // Any answer, even a 500 or a body too large, shows the server is reachable.
    if (isTransportFailure(response.failure)) {
        m_breaker.recordFailure(kServerKey, nowMicros());
        if (m_breaker.state(kServerKey, nowMicros()) != CircuitBreakers::State::Closed)
            setOnline(false);
    } else {
        m_breaker.recordSuccess(kServerKey);
        setOnline(true);
    }
}

int HttpClient::retryDelayMs(const HttpRequest &request, const HttpResponse &response, int attempt) const
{
    if (!request.idempotent || attempt >= m_options.maxAttempts || m_stopping)
        return -1;
    const bool transport = isTransportFailure(response.failure);
    const bool busy = response.failure == net::CurlResponse::Failure::None
                      && (response.status == 429 || response.status == 502 || response.status == 503 || response.status == 504);
    if (!transport && !busy)
        return -1;
    if (response.failure == net::CurlResponse::Failure::Timeout && attempt >= 2)
        return -1; // a server too slow once is retried once, not for minutes
    if (transport && !isOnline())
        return -1; // the breaker opened: fail now, the probe finds the way back
    if (busy && response.headers.contains("retry-after")) {
        const int seconds = net::retryAfterSeconds(response.headers.value("retry-after"));
        if (seconds > m_options.maxRetryAfterSeconds)
            return -1; // too long to hold a thread: the caller sees retryAfterSeconds
        if (seconds > 0)
            return seconds * 1000;
    }
    const qint64 ceiling = qMin<qint64>(m_options.backoffMaxMs, qint64(m_options.backoffBaseMs) << qMin(attempt - 1, 20));
    // Equal jitter: half the ceiling plus a random half, so clients that failed together spread out.
    return int(ceiling / 2 + QRandomGenerator::global()->bounded(ceiling / 2 + 1));
}

bool HttpClient::sleepUnlessCancelled(int ms, const HttpRequest &request) const
{
    const qint64 until = nowMicros() + qint64(ms) * 1000;
    while (nowMicros() < until) {
        if (m_stopping || (request.cancelled && request.cancelled()))
            return false;
        QThread::msleep(qMin<qint64>(50, (until - nowMicros()) / 1000 + 1));
    }
    return true;
}

void HttpClient::setOnline(bool online)
{
    bool expected = !online;
    if (!m_online.compare_exchange_strong(expected, online))
        return;
    qCInfo(lcClientNet) << (online ? "the server is reachable again: online" : "the server is unreachable: offline");
    Q_EMIT onlineChanged(online);
    if (!online)
        startProbe();
}

void HttpClient::startProbe()
{
    QString url;
    {
        QMutexLocker lock(&m_probeMutex);
        url = m_probeUrl;
    }
    bool expected = false;
    if (url.isEmpty() || m_stopping || !m_probing.compare_exchange_strong(expected, true))
        return;
    m_pool.start([this, url] {
        HttpRequest probe;
        probe.url = url;
        probe.idempotent = false; // one try per interval
        probe.timeoutSeconds = 5;
        probe.maxResponseBytes = 1 << 20;
        while (!m_stopping && !isOnline()) {
            if (!sleepUnlessCancelled(m_options.probeIntervalMs, probe))
                break;
            call(probe);
        }
        m_probing = false;
        if (!m_stopping && !isOnline())
            startProbe(); // went offline again as this probe ended
    });
}

} // namespace vesper::client
