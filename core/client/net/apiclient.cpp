#include "client/net/apiclient.h"
#include "client/clientlogging.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QUrl>

namespace vesper::client {
namespace {
bool hasHeader(const HttpHeaders &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers)
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}

/// Safe to send twice: reads, PUT/DELETE, a PATCH guarded by If-Match, anything with an idempotency
/// key, a generate with its clientId, the status poll and the prompt enhancer (reads sent as POST).
bool isIdempotent(const QByteArray &method, const QString &path, const QJsonObject &body, const HttpHeaders &headers)
{
    if (method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE")
        return true;
    if (hasHeader(headers, "Idempotency-Key"))
        return true;
    if (method == "PATCH")
        return hasHeader(headers, "If-Match");
    if (path.startsWith(QLatin1String("/api/generations/status")) || path == QLatin1String("/api/prompts/enhance"))
        return true;
    return path.startsWith(QLatin1String("/api/generate")) && !body.value(QStringLiteral("clientId")).toString().isEmpty();
}

HttpHeaders guardHeaders(const WriteGuards &guards)
{
    HttpHeaders headers;
    if (!guards.idempotencyKey.isEmpty())
        headers.append({"Idempotency-Key", guards.idempotencyKey.toUtf8()});
    if (!guards.ifMatch.isEmpty())
        headers.append({"If-Match", guards.ifMatch.toUtf8()});
    return headers;
}
} // namespace

ApiClient::ApiClient(HttpClient *http, QString baseUrl)
    : m_http(http), m_baseUrl(std::move(baseUrl))
{
    while (m_baseUrl.endsWith(QLatin1Char('/')))
        m_baseUrl.chop(1);
}

void ApiClient::setTokenSource(TokenSource *source)
{
    m_fixed.reset();
    m_tokens = source;
}

void ApiClient::setFixedToken(const QString &token)
{
    m_fixed = std::make_shared<FixedTokenSource>(token);
    m_tokens = m_fixed.get();
}

QString ApiClient::url(const QString &path) const
{
    return m_baseUrl + path;
}

ApiResult<HttpResponse> ApiClient::exchange(HttpRequest request, const std::function<bool(QByteArrayView)> &onChunk)
{
    ApiResult<HttpResponse> result;
    if (request.timeoutSeconds == 30)
        request.timeoutSeconds = m_timeoutSeconds;
    const QString token = m_tokens ? m_tokens->accessToken() : QString();
    if (token.isEmpty()) {
        result.error = ApiError::notSignedIn(QStringLiteral("You are not signed in."));
        return result;
    }
    HttpRequest signedRequest = request;
    signedRequest.headers.append({"Authorization", "Bearer " + token.toUtf8()});
    result.value = onChunk ? m_http->stream(signedRequest, onChunk) : m_http->call(signedRequest);
    if (result.value.failure == net::CurlResponse::Failure::None && result.value.status == 401) {
        // Expired or revoked early: one shared refresh, then one retry with the new token.
        const QString fresh = m_tokens->refreshAfterRejection(token);
        if (fresh.isEmpty() || fresh == token) {
            result.error = ApiError::notSignedIn(QStringLiteral("Your session has ended; please sign in again."));
            return result;
        }
        request.headers.append({"Authorization", "Bearer " + fresh.toUtf8()});
        result.value = onChunk ? m_http->stream(request, onChunk) : m_http->call(request);
    }
    result.error = ApiError::fromResponse(result.value);
    if (result.error.kind == ApiError::Kind::Http && result.error.status == 401)
        result.error = ApiError::notSignedIn(QStringLiteral("The server no longer accepts this session; please sign in again."));
    if (!result.ok())
        qCDebug(lcClientNet).noquote() << request.method << QUrl(request.url).path() << describe(result.error);
    return result;
}

ApiResult<HttpResponse> ApiClient::changeStream(const QString &since, const std::function<bool(QByteArrayView chunk)> &onChunk,
                                               const std::function<bool()> &cancelled, int readIdleSeconds)
{
    ApiResult<HttpResponse> result;
    HttpRequest request;
    request.url = url(QStringLiteral("/api/changes/stream"));
    request.headers.append({QByteArray("Accept"), QByteArray("text/event-stream")});
    request.headers.append({QByteArray("Last-Event-ID"), since.toUtf8()});
    request.readIdleSeconds = readIdleSeconds;
    request.cancelled = cancelled;
    for (int attempt = 0; attempt < 2; ++attempt) {
        const QString token = m_tokens ? m_tokens->accessToken() : QString();
        if (token.isEmpty()) {
            result.error = ApiError::notSignedIn(QStringLiteral("You are not signed in."));
            return result;
        }
        HttpRequest signedRequest = request;
        signedRequest.headers.append({"Authorization", "Bearer " + token.toUtf8()});
        result.value = m_http->stream(signedRequest, onChunk);
        if (attempt == 0 && result.value.failure == net::CurlResponse::Failure::None && result.value.status == 401) {
            const QString fresh = m_tokens->refreshAfterRejection(token);
            if (!fresh.isEmpty() && fresh != token)
                continue;
        }
        break;
    }
    result.error = ApiError::fromResponse(result.value);
    if (result.error.kind == ApiError::Kind::Http && result.error.status == 401)
        result.error = ApiError::notSignedIn(QStringLiteral("The server no longer accepts this session; please sign in again."));
    return result;
}

ApiResult<QJsonObject> ApiClient::jsonCall(const QByteArray &method, const QString &path, const QJsonObject &body,
                                           const WriteGuards &guards, bool hasBody)
{
    return send(method, path, hasBody ? body : QJsonObject(), guardHeaders(guards));
}

ApiResult<QJsonObject> ApiClient::send(const QByteArray &method, const QString &path, const QJsonObject &body, const HttpHeaders &headers)
{
    HttpRequest request;
    request.method = method;
    request.url = url(path);
    request.headers = headers;
    request.idempotent = isIdempotent(method, path, body, headers);
    if (!body.isEmpty() || method == "POST" || method == "PATCH") {
        request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.contentType = "application/json";
    }
    const ApiResult<HttpResponse> answer = exchange(request);
    ApiResult<QJsonObject> result;
    result.error = answer.error;
    if (!answer.ok() || answer.value.body.trimmed().isEmpty())
        return result; // a 204 has no body: {}
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(answer.value.body, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        result.error = ApiError::badResponse(QStringLiteral("the JSON is malformed (%1 at byte %2 of %3)")
                                                 .arg(parseError.errorString())
                                                 .arg(parseError.offset)
                                                 .arg(answer.value.body.size()));
    else if (!document.isObject())
        result.error = ApiError::badResponse(QStringLiteral("expected a JSON object"));
    else
        result.value = document.object();
    return result;
}

ApiResult<FileBytes> ApiClient::download(const QString &path, const QByteArray &ifNoneMatch)
{
    HttpRequest request;
    request.url = url(path);
    if (!ifNoneMatch.isEmpty())
        request.headers.append({"If-None-Match", ifNoneMatch});
    const ApiResult<HttpResponse> answer = exchange(request);
    ApiResult<FileBytes> result;
    if (!answer.error.ok() && !(answer.error.kind == ApiError::Kind::Http && answer.error.status == 304)) {
        result.error = answer.error;
        return result;
    }
    result.value.notModified = answer.value.status == 304;
    result.value.bytes = answer.value.body;
    result.value.etag = answer.value.headers.value("etag");
    result.value.contentType = answer.value.headers.value("content-type");
    return result;
}

ApiResult<QJsonObject> ApiClient::upload(const QByteArray &image, const QByteArray &contentType, const WriteGuards &guards)
{
    HttpRequest request;
    request.method = "POST";
    request.url = url(QStringLiteral("/api/uploads"));
    request.body = image;
    request.contentType = contentType;
    request.headers = guardHeaders(guards);
    request.idempotent = !guards.idempotencyKey.isEmpty();
    request.timeoutSeconds = qMax(m_timeoutSeconds, 120);
    const ApiResult<HttpResponse> answer = exchange(request);
    ApiResult<QJsonObject> result;
    result.error = answer.error;
    if (!answer.ok())
        return result;
    const QJsonDocument document = QJsonDocument::fromJson(answer.value.body);
    if (!document.isObject() || !document.object().value(QStringLiteral("id")).isString())
        result.error = ApiError::badResponse(QStringLiteral("an upload's answer needs an id"));
    else
        result.value = document.object();
    return result;
}

} // namespace vesper::client
