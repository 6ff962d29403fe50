#include "backend/db/database.h"
#include "domain/domainerror.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/clock.h"
#include "common/metrics.h"

#include <QHostAddress>
#include <openssl/crypto.h>

namespace vesper::backend {
namespace {
bool listensOnLoopback(const QString &host)
{
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

/// /metrics names routes, queue depths and provider errors: not for anyone who can reach the port.
/// A configured token is required as a bearer token; without one, only a loopback server answers,
/// and not a request that came through a proxy (it carries the forwarding headers).
void requireMetricsAccess(const BackendSettings &config, const HttpRequest &request)
{
    const QByteArray &token = config.metricsToken;
    if (!token.isEmpty()) {
        const QByteArray header = request.header("authorization");
        const QByteArray given = header.startsWith("Bearer ") ? header.mid(7).trimmed() : QByteArray();
        if (given.size() != token.size() || CRYPTO_memcmp(given.constData(), token.constData(), size_t(token.size())) != 0)
            throw DomainError::unauthorized(QStringLiteral("/metrics needs the metrics token as a bearer token"));
        return;
    }
    const bool proxied = !request.header("x-forwarded-for").isEmpty() || !request.header("forwarded").isEmpty();
    if (!listensOnLoopback(config.listenHost) || proxied)
        throw DomainError::forbidden(QStringLiteral("/metrics is served beyond loopback only with a token: set VESPER_METRICS_TOKEN"));
}
} // namespace

void addHealthRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/healthz"), [&context](RequestContext &) {
        QString error;
        if (!context.db.check(&error))
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("database unavailable"));
        return jsonResponse(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                             {QStringLiteral("serverTime"), formatTime(nowMicros())}});
    }, false);
    router.add("GET", QStringLiteral("/metrics"), [&context](RequestContext &rc) {
        requireMetricsAccess(context.config, rc.request);
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4";
        response.body = MetricsRegistry::instance().render();
        return response;
    }, false);
}

} // namespace vesper::backend
