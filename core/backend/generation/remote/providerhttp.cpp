#include "backend/generation/remote/providerhttp.h"
#include "backend/generation/provider.h"
#include "common/logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <curl/curl.h>
#include <mutex>

namespace vesper::backend {
namespace {
constexpr long kConnectTimeoutMs = 10000;

struct Transfer {
    ProviderResponse *response;
    ProgressSink *sink;
    qint64 maxBytes;
    bool tooLarge = false;
    bool cancelled = false;
};

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
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
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        t->response->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return bytes;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto *t = static_cast<Transfer *>(user);
    if (t->sink && t->sink->cancelled()) {
        t->cancelled = true;
        return 1; // aborts the transfer
    }
    return 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

ProviderHttp::ProviderHttp(ProgressSink *sink, int timeoutSeconds)
    : m_sink(sink), m_timeoutSeconds(timeoutSeconds)
{
    initCurlOnce();
    m_curl = curl_easy_init();
}

ProviderHttp::~ProviderHttp()
{
    if (m_curl)
        curl_easy_cleanup(static_cast<CURL *>(m_curl));
}

void ProviderHttp::setHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append({name, value});
}

ProviderResponse ProviderHttp::get(const QString &url)
{
    return send("GET", url);
}

ProviderResponse ProviderHttp::post(const QString &url, const QByteArray &body, const QByteArray &contentType)
{
    return send("POST", url, body, contentType);
}

ProviderResponse ProviderHttp::send(const QByteArray &method, const QString &url, const QByteArray &body, const QByteArray &contentType)
{
    ProviderResponse response;
    auto *curl = static_cast<CURL *>(m_curl);
    if (!curl) {
        response.failure = ProviderResponse::Failure::Network;
        response.error = QStringLiteral("the HTTP client could not start");
        return response;
    }
    curl_easy_reset(curl);
    Transfer transfer{&response, m_sink, m_maxBytes};
    const QByteArray urlBytes = url.toUtf8();
    curl_easy_setopt(curl, CURLOPT_URL, urlBytes.constData());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(m_timeoutSeconds) * 1000);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // whatever curl can decode
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "vesper-server/" VESPER_VERSION);

    struct curl_slist *headers = nullptr;
    for (const auto &[name, value] : std::as_const(m_headers))
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    if (!contentType.isEmpty())
        headers = curl_slist_append(headers, QByteArray("Content-Type: " + contentType).constData());
    headers = curl_slist_append(headers, "Expect:"); // no 100-continue round trip
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

    if (method == "POST" || method == "PUT" || method == "PATCH" || !body.isEmpty()) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.constData());
    }
    if (method != "GET" && method != "POST")
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
    if (transfer.cancelled || code == CURLE_ABORTED_BY_CALLBACK) {
        response.failure = ProviderResponse::Failure::Cancelled;
        response.error = QStringLiteral("the call was stopped");
    } else if (transfer.tooLarge) {
        response.failure = ProviderResponse::Failure::TooLarge;
        response.error = QStringLiteral("the answer was larger than %1 MiB").arg(m_maxBytes >> 20);
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
        response.failure = ProviderResponse::Failure::Timeout;
        response.error = QStringLiteral("no answer within %1 seconds").arg(m_timeoutSeconds);
    } else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM
               || code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
        response.failure = ProviderResponse::Failure::Setup;
        response.error = QString::fromUtf8(curl_easy_strerror(code));
    } else {
        response.failure = ProviderResponse::Failure::Network;
        response.error = QString::fromUtf8(curl_easy_strerror(code));
    }
    qCDebug(lcProvider) << method << "failed:" << response.error;
    return response;
}

QString boundedText(const QString &text, int limit)
{
    QString out;
    for (const QChar c : text) {
        if (out.size() >= limit) {
            out += QStringLiteral("…");
            break;
        }
        out += c.isPrint() ? c : QLatin1Char(' ');
    }
    return out.simplified();
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

QString providerMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QString message;
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue error = o.value(QStringLiteral("error"));
        if (error.isObject())
            message = error.toObject().value(QStringLiteral("message")).toString();
        else if (error.isString())
            message = error.toString();
        if (message.isEmpty() && o.value(QStringLiteral("detail")).isString())
            message = o.value(QStringLiteral("detail")).toString();
        if (message.isEmpty() && o.value(QStringLiteral("message")).isString())
            message = o.value(QStringLiteral("message")).toString();
        if (message.isEmpty() && o.value(QStringLiteral("errors")).isString())
            message = o.value(QStringLiteral("errors")).toString();
    } else if (!body.trimmed().startsWith('<')) {
        message = QString::fromUtf8(body.left(400)); // plain text, not an HTML error page
    }
    return boundedText(message, 300);
}

ProviderResult failedCall(const ProviderResponse &response, const QString &provider)
{
    ProviderResult result;
    result.transient = true;
    switch (response.failure) {
    case ProviderResponse::Failure::Cancelled:
        result.errorCode = QStringLiteral("CANCELLED");
        result.errorMessage = QStringLiteral("the generation was stopped");
        result.transient = false;
        return result;
    case ProviderResponse::Failure::Timeout:
        result.errorCode = QStringLiteral("TIMEOUT");
        result.errorMessage = QStringLiteral("%1 did not answer in time").arg(provider);
        return result;
    case ProviderResponse::Failure::Network:
        result.errorCode = QStringLiteral("PROVIDER_UNREACHABLE");
        result.errorMessage = QStringLiteral("%1 could not be reached: %2").arg(provider, response.error);
        return result;
    case ProviderResponse::Failure::Setup:
        result.errorCode = QStringLiteral("PROVIDER_ERROR");
        result.errorMessage = QStringLiteral("%1 cannot be called as configured: %2").arg(provider, response.error);
        result.transient = false;
        return result;
    case ProviderResponse::Failure::TooLarge:
        result.errorCode = QStringLiteral("BAD_RESPONSE");
        result.errorMessage = QStringLiteral("%1 sent %2").arg(provider, response.error);
        result.transient = false;
        return result;
    case ProviderResponse::Failure::None:
        break;
    }
    const QString detail = providerMessage(response.body);
    const QString suffix = detail.isEmpty() ? QString() : QStringLiteral(": ") + detail;
    if (response.status == 429) {
        result.errorCode = QStringLiteral("RATE_LIMITED");
        result.errorMessage = QStringLiteral("%1 is rate limiting requests%2").arg(provider, suffix);
        result.retryAfterSeconds = retryAfterSeconds(response.headers.value("retry-after"));
    } else if (response.status >= 500 || response.status == 408) {
        result.errorCode = QStringLiteral("PROVIDER_ERROR");
        result.errorMessage = QStringLiteral("%1 failed with HTTP %2%3").arg(provider).arg(response.status).arg(suffix);
    } else {
        result.errorCode = QStringLiteral("PROVIDER_ERROR");
        result.errorMessage = QStringLiteral("%1 refused the request (HTTP %2)%3").arg(provider).arg(response.status).arg(suffix);
        result.transient = false;
    }
    return result;
}

ProviderResult badResponse(const QString &provider, const QString &what)
{
    ProviderResult result;
    result.errorCode = QStringLiteral("BAD_RESPONSE");
    result.errorMessage = QStringLiteral("%1 sent an answer Vesper cannot use: %2").arg(provider, what);
    return result;
}

} // namespace vesper::backend
