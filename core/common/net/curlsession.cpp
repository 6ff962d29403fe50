#include "common/net/curlsession.h"
#include "common/logging.h"

#include <QDateTime>
#include <algorithm>
#include <chrono>
#include <curl/curl.h>
#include <mutex>

namespace vesper::net {
namespace {
qint64 steadyMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Transfer {
    CurlResponse *response;
    const std::function<bool()> *cancelCheck;
    qint64 maxBytes;
    const std::function<bool(QByteArrayView)> *onChunk = nullptr; // streaming: 2xx bodies go here
    int status = 0; // from the status line, for streaming before curl reports it
    qint64 idleMs = 0;      // streaming: silence longer than this ends the call
    qint64 lastByteMs = 0;  // steady clock, when the last bytes arrived
    bool idle = false;
    bool tooLarge = false;
    bool cancelled = false;
};

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    t->lastByteMs = steadyMs();
    if (t->onChunk && t->status >= 200 && t->status < 300) {
        if (!(*t->onChunk)(QByteArrayView(data, qsizetype(bytes)))) {
            t->cancelled = true;
            return 0; // makes curl stop with CURLE_WRITE_ERROR
        }
        return bytes;
    }
    if (t->response->body.size() + qint64(bytes) > t->maxBytes) {
        t->tooLarge = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    t->response->body.append(data, qsizetype(bytes));
    return bytes;
}

size_t onHeader(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        t->response->headers.clear(); // a new response (after a 100 Continue or a redirect)
        const QList<QByteArray> parts = line.split(' ');
        t->status = parts.size() > 1 ? parts[1].toInt() : 0;
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0)
        return bytes;
    const QByteArray name = line.left(colon).trimmed().toLower();
    const QByteArray value = line.mid(colon + 1).trimmed();
    t->response->headers.insert(name, value);
    // A declared length over the cap is refused before any of the body is read.
    if (name == "content-length" && !t->onChunk && value.toLongLong() > t->maxBytes) {
        t->tooLarge = true;
        return 0; // makes curl stop with CURLE_WRITE_ERROR
    }
    return bytes;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto *t = static_cast<Transfer *>(user);
    if (*t->cancelCheck && (*t->cancelCheck)()) {
        t->cancelled = true;
        return 1; // aborts the transfer
    }
    // Called at least once a second, also when nothing moves. (curl's own low-speed limit averages
    // over several seconds, so a burst before the silence would hide it for that long.)
    if (t->idleMs > 0 && steadyMs() - t->lastByteMs > t->idleMs) {
        t->idle = true;
        return 1;
    }
    return 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlResponse::Failure classify(CURLcode code, const Transfer &transfer)
{
    if (transfer.idle)
        return CurlResponse::Failure::Timeout;
    if (transfer.cancelled || code == CURLE_ABORTED_BY_CALLBACK)
        return CurlResponse::Failure::Cancelled;
    if (transfer.tooLarge)
        return CurlResponse::Failure::TooLarge;
    if (code == CURLE_OPERATION_TIMEDOUT)
        return CurlResponse::Failure::Timeout;
    if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM
        || code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL)
        return CurlResponse::Failure::Setup;
    return CurlResponse::Failure::Network;
}
} // namespace

CurlSession::CurlSession(std::function<bool()> cancelled, int timeoutSeconds, QByteArray userAgent)
    : m_cancelled(std::move(cancelled)), m_timeoutSeconds(timeoutSeconds), m_userAgent(std::move(userAgent))
{
    initCurlOnce();
    m_curl = curl_easy_init();
}

CurlSession::~CurlSession()
{
    if (m_curl)
        curl_easy_cleanup(static_cast<CURL *>(m_curl));
}

void CurlSession::setHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

CurlResponse CurlSession::get(const QString &url)
{
    return send("GET", url);
}

CurlResponse CurlSession::post(const QString &url, const QByteArray &body, const QByteArray &contentType)
{
    return send("POST", url, body, contentType);
}

CurlResponse CurlSession::send(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType,
                               const QList<QPair<QByteArray, QByteArray>> &extraHeaders)
{
    return perform(method, url, body, contentType, extraHeaders, nullptr, 0);
}

CurlResponse CurlSession::stream(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType,
                                 const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                                 const std::function<bool(QByteArrayView chunk)> &onChunk, int idleSeconds)
{
    return perform(method, url, body, contentType, extraHeaders, &onChunk, qMax(1, idleSeconds));
}

CurlResponse CurlSession::perform(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType,
                                  const QList<QPair<QByteArray, QByteArray>> &extraHeaders,
                                  const std::function<bool(QByteArrayView)> *onChunk, int idleSeconds)
{
    CurlResponse response;
    auto *curl = static_cast<CURL *>(m_curl);
    if (!curl) {
        response.failure = CurlResponse::Failure::Network;
        response.error = QStringLiteral("the HTTP client could not start");
        return response;
    }
    curl_easy_reset(curl);
    Transfer transfer{&response, &m_cancelled, m_maxBytes};
    transfer.onChunk = onChunk;
    transfer.idleMs = onChunk ? qint64(idleSeconds) * 1000 : 0;
    transfer.lastByteMs = steadyMs(); // the connect and the head count as silence too
    const QByteArray urlBytes = url.toUtf8();
    curl_easy_setopt(curl, CURLOPT_URL, urlBytes.constData());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, m_connectTimeoutMs);
    if (onChunk) {
        // A stream has no end in sight: only silence ends it (onProgress watches it).
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 0L);
    } else {
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(m_timeoutSeconds) * 1000);
    }
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // whatever curl can decode
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, m_userAgent.constData());

    struct curl_slist *headers = nullptr;
    for (const auto &[name, value] : std::as_const(m_headers))
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    for (const auto &[name, value] : extraHeaders)
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    if (!contentType.isEmpty())
        headers = curl_slist_append(headers, QByteArray("Content-Type: " + contentType).constData());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    if (method == "POST" || method == "PUT" || method == "PATCH" || !body.isEmpty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
    }
    if (method == "HEAD")
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else if (method != "GET" && method != "POST")
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.constData());
    else if (method == "GET")
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);

    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = int(status);
    if (code == CURLE_OK)
        return response;
    response.failure = classify(code, transfer);
    switch (response.failure) {
    case CurlResponse::Failure::Cancelled:
        response.error = QStringLiteral("the call was stopped");
        break;
    case CurlResponse::Failure::TooLarge:
        response.error = QStringLiteral("the answer was larger than %1 MiB").arg(m_maxBytes >> 20);
        break;
    case CurlResponse::Failure::Timeout:
        response.error = onChunk ? QStringLiteral("the stream was silent for %1 seconds").arg(idleSeconds)
                                 : QStringLiteral("no answer within %1 seconds").arg(m_timeoutSeconds);
        break;
    default:
        response.error = QString::fromUtf8(curl_easy_strerror(code));
    }
    qCDebug(lcNet) << method << "failed:" << response.error;
    return response;
}

int retryAfterSeconds(const QByteArray &value)
{
    const QByteArray trimmed = value.trimmed();
    bool ok = false;
    const qlonglong seconds = trimmed.toLongLong(&ok);
    if (ok)
        return int(qBound(0LL, seconds, 3600LL));
    if (!trimmed.isEmpty() && std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return 3600; // a delay too long for a number: the longest we wait
    // RFC 9110's form is IMF-fixdate, "Wed, 21 Oct 2015 07:28:00 GMT"; Qt's RFC 2822 parser wants a
    // numeric zone.
    QString text = QString::fromLatin1(trimmed);
    if (text.endsWith(QLatin1String(" GMT")) || text.endsWith(QLatin1String(" UTC")))
        text = text.left(text.size() - 4) + QStringLiteral(" +0000");
    const QDateTime when = QDateTime::fromString(text, Qt::RFC2822Date);
    if (!when.isValid())
        return 0;
    return int(qBound(qint64(0), QDateTime::currentDateTimeUtc().secsTo(when), qint64(3600)));
}

} // namespace vesper::net
