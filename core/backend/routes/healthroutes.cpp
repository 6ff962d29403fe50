#include "backend/db/database.h"
#include "domain/domainerror.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/clock.h"
#include "common/metrics.h"

namespace vesper::backend {

void addHealthRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/healthz"), [&context](RequestContext &) {
        QString error;
        if (!context.db.check(&error))
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("database unavailable"));
        return jsonResponse(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                             {QStringLiteral("serverTime"), formatTime(nowMicros())}});
    }, false);
    router.add("GET", QStringLiteral("/metrics"), [](RequestContext &) {
        HttpResponse response;
        response.contentType = "text/plain; version=0.0.4";
        response.body = MetricsRegistry::instance().render();
        return response;
    }, false);
}

} // namespace vesper::backend
