#include "backend/http/apidispatcher.h"
#include "backend/db/dberror.h"
#include "domain/domainerror.h"
#include "backend/http/errorstatus.h"
#include "backend/http/gzip.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/context/servercontext.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/metrics.h"
#include "common/ratelimiter.h"
#include "common/uuid.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <openssl/crypto.h>

namespace vesper::backend {
namespace {
HttpResponse errorResponse(const DomainError &error)
{
    QJsonObject body = error.details();
    body.insert(QStringLiteral("error"), error.message());
    body.insert(QStringLiteral("code"), error.codeName());
    HttpResponse response = jsonResponse(httpStatusOf(error.code()), body);
    if (error.retryAfterSeconds() > 0)
        response.setHeader("Retry-After", QByteArray::number(error.retryAfterSeconds()));
    return response;
}

/// File downloads have a rate bucket of their own: a client prefetching thumbnails for offline use
/// must neither be held to the general limit nor use it up for everything else.
bool isFileDownload(const QString &pattern)
{
    return pattern == QLatin1String("/api/outputs/{id}/file") || pattern == QLatin1String("/api/uploads/{id}/file");
}

bool acceptableRequestId(const QByteArray &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (char c : id) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'))
            return false;
    }
    return true;
}
} // namespace

ApiDispatcher::ApiDispatcher(const Router &router, ServerContext &context)
    : m_router(router)
    , m_context(context)
{
    auto &metrics = MetricsRegistry::instance();
    metrics.describe(QStringLiteral("vesper_http_requests_total"), QStringLiteral("counter"), QStringLiteral("HTTP requests by route, method and status."));
    metrics.describe(QStringLiteral("vesper_http_request_duration_seconds"), QStringLiteral("histogram"), QStringLiteral("Time spent answering, by route."));
    metrics.describe(QStringLiteral("vesper_http_response_bytes_total"), QStringLiteral("counter"), QStringLiteral("Response body bytes sent, by route."));
}

namespace {
/// The method as a metric label: one of a fixed few, so made-up methods cannot grow the series.
QString methodLabel(const QByteArray &method)
{
    for (const char *known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
        if (method == known)
            return QString::fromLatin1(known);
    }
    return QStringLiteral("OTHER");
}
} // namespace

HttpResponse ApiDispatcher::refusal(Refusal kind, qint64 limit, const QString &reason)
{
    switch (kind) {
    case Refusal::TooLarge:
        return errorResponse(DomainError(ErrorCode::PayloadTooLarge, QStringLiteral("request body is larger than %1 bytes").arg(limit)));
    case Refusal::BadFraming:
        return errorResponse(DomainError::validation(reason));
    case Refusal::Busy:
        return errorResponse(DomainError(ErrorCode::Unavailable,
                                         QStringLiteral("the server is receiving too many request bodies; try again shortly"), int(limit)));
    case Refusal::TooManyFromClient:
        return errorResponse(DomainError::rateLimited(int(limit)));
    }
    return errorResponse(DomainError(ErrorCode::Internal, QStringLiteral("internal error")));
}

BodyPolicy ApiDispatcher::bodyPolicy(const QByteArray &method, const QString &path) const
{
    const BackendSettings &config = m_context.config;
    QHash<QString, QString> params;
    bool methodMismatch = false;
    const Route *route = m_router.match(method, path, &params, &methodMismatch);
    if (route && route->pattern == QLatin1String("/api/uploads") && route->method == "POST")
        return {config.maxUploadBytes, true};
    if (route && !route->requiresAuth)
        return {std::min(config.maxJsonBytes, config.maxSignedOutBodyBytes), false};
    return {config.maxJsonBytes, false};
}

std::optional<HttpResponse> ApiDispatcher::preflight(HttpRequest &request)
{
    QHash<QString, QString> params;
    bool methodMismatch = false;
    const Route *route = m_router.match(request.method, request.path, &params, &methodMismatch);
    if (!route)
        return handle(request); // 404 or 405 whatever the body says
    if (route->requiresAuth) {
        try {
            request.verifiedUserId = authenticate(request); // handle() then does not check it again
        } catch (const DomainError &) {
            return handle(request); // 401, from the headers alone
        }
    }
    return std::nullopt;
}

QString ApiDispatcher::authenticate(const HttpRequest &request)
{
    const QByteArray header = request.header("authorization");
    if (!header.startsWith("Bearer ") && !header.startsWith("bearer "))
        throw DomainError::unauthorized();
    const QByteArray token = header.mid(7).trimmed();
    const QByteArray &embedded = m_context.embeddedToken;
    if (!embedded.isEmpty() && token.size() == embedded.size()
        && CRYPTO_memcmp(token.constData(), embedded.constData(), size_t(token.size())) == 0)
        return m_context.embeddedUserId;
    QString reason;
    const QString userId = m_context.auth->authenticate(token, &reason);
    if (userId.isEmpty())
        throw DomainError::unauthorized(reason);
    return userId;
}

HttpResponse ApiDispatcher::handle(HttpRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    const QByteArray incomingId = request.header("x-request-id");
    const QString requestId = acceptableRequestId(incomingId) ? QString::fromLatin1(incomingId) : newUuidV7();

    QHash<QString, QString> params;
    bool methodMismatch = false;
    const Route *route = m_router.match(request.method, request.path, &params, &methodMismatch);
    const QString routeLabel = route ? route->pattern : QStringLiteral("unmatched");
    QString userId;
    HttpResponse response;
    try {
        if (!route) {
            throw methodMismatch ? DomainError(ErrorCode::MethodNotAllowed, QStringLiteral("method not allowed"))
                                 : DomainError::notFound(QStringLiteral("route"));
        }
        if (route->requiresAuth)
            userId = request.verifiedUserId.isEmpty() ? authenticate(request) : request.verifiedUserId;
        // Reading the auth settings is not a sign-in attempt: it does not spend the sign-in bucket.
        const bool isAuthRoute = route->pattern.startsWith(QLatin1String("/auth/")) && route->pattern != QLatin1String("/auth/v1/settings");
        const bool isDownload = isFileDownload(route->pattern) && !userId.isEmpty();
        const int limit = isDownload                      ? m_context.config.downloadRateLimitPerMinute
                          : isAuthRoute && userId.isEmpty() ? m_context.config.authRateLimitPerMinute
                                                            : m_context.config.rateLimitPerMinute;
        if (limit > 0) {
            // Sign-ins have a bucket of their own: sharing the general one, cheap calls (/healthz)
            // would refill it at the general rate and let password guesses through at that rate.
            const QString key = isDownload        ? QStringLiteral("download:") + userId
                                : !userId.isEmpty() ? QStringLiteral("user:") + userId
                                : isAuthRoute     ? QStringLiteral("auth-ip:") + request.remoteAddress
                                                  : QStringLiteral("ip:") + request.remoteAddress;
            const RateDecision decision = m_context.rateLimits.hit(key, limit, 60);
            if (!decision.allowed)
                throw DomainError::rateLimited(decision.retryAfterSeconds);
        }
        RequestContext context{request, std::move(params), userId, requestId};
        response = route->handler(context);
    } catch (const DomainError &error) {
        response = errorResponse(error);
    } catch (const DbError &error) {
        if (error.isConstraint()) {
            response = errorResponse(DomainError::conflict(QStringLiteral("the change conflicts with existing data")));
        } else {
            qCWarning(lcApi).noquote() << QJsonDocument(QJsonObject{{QStringLiteral("msg"), QStringLiteral("database error")},
                                                                    {QStringLiteral("requestId"), requestId},
                                                                    {QStringLiteral("route"), routeLabel},
                                                                    {QStringLiteral("error"), error.message()}}).toJson(QJsonDocument::Compact);
            response = errorResponse(DomainError(ErrorCode::Internal, QStringLiteral("internal error")));
        }
    } catch (const std::exception &error) {
        qCWarning(lcApi) << "unexpected failure" << error.what();
        response = errorResponse(DomainError(ErrorCode::Internal, QStringLiteral("internal error")));
    }

    if (response.body.size() >= 1024 && response.contentType.startsWith("application/json")
        && request.header("accept-encoding").contains("gzip")) {
        const QByteArray compressed = gzipCompress(response.body);
        if (!compressed.isEmpty()) {
            response.body = compressed;
            response.setHeader("Content-Encoding", "gzip");
            response.setHeader("Vary", "Accept-Encoding");
        }
    }
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    response.setHeader("X-Request-Id", requestId.toLatin1());
    response.setHeader("Server-Timing", "app;dur=" + QByteArray::number(seconds * 1000.0, 'f', 3));

    auto &metrics = MetricsRegistry::instance();
    const QString labels = QStringLiteral("route=\"%1\",method=\"%2\",status=\"%3\"")
                               .arg(routeLabel, methodLabel(request.method)).arg(response.status);
    metrics.addCounter(QStringLiteral("vesper_http_requests_total"), labels);
    metrics.observe(QStringLiteral("vesper_http_request_duration_seconds"), QStringLiteral("route=\"%1\"").arg(routeLabel), seconds);
    metrics.addCounter(QStringLiteral("vesper_http_response_bytes_total"), QStringLiteral("route=\"%1\"").arg(routeLabel), double(response.bodySize()));

    if (m_context.config.accessLog) {
        // Route pattern, never the raw path or query: ids are fine, but prompts and emails are not logged.
        qCInfo(lcHttp).noquote() << QJsonDocument(QJsonObject{
            {QStringLiteral("msg"), QStringLiteral("request")}, {QStringLiteral("requestId"), requestId},
            {QStringLiteral("method"), methodLabel(request.method)}, {QStringLiteral("route"), routeLabel},
            {QStringLiteral("status"), response.status}, {QStringLiteral("ms"), seconds * 1000.0},
            {QStringLiteral("bytes"), response.bodySize()}, {QStringLiteral("user"), userId}}).toJson(QJsonDocument::Compact);
    }
    return response;
}

} // namespace vesper::backend
