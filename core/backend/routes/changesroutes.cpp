#include "backend/http/apierror.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/changefeed.h"
#include "backend/routes/routes.h"
#include "backend/server/servercontext.h"

namespace vesper::backend {

void addChangesRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/changes"), [&context](RequestContext &rc) {
        qint64 since = 0;
        if (rc.request.hasQuery(QStringLiteral("since"))) {
            bool ok = false;
            since = rc.request.queryValue(QStringLiteral("since")).toLongLong(&ok);
            if (!ok || since < 0)
                throw ApiError::validation(QStringLiteral("since must be a rev: a whole number, 0 or more"));
        }
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 1000, 1, 1000);
        const ChangePage page = ChangeFeed(context.db).read(rc.userId, since, limit);
        return jsonResponse(200, QJsonObject{{QStringLiteral("changes"), page.changes},
                                             {QStringLiteral("nextSince"), page.nextSince},
                                             {QStringLiteral("hasMore"), page.hasMore}});
    });
}

} // namespace vesper::backend
