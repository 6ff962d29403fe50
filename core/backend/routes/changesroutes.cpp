#include "domain/domainerror.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/changefeed.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/jsonwriter.h"

namespace vesper::backend {

void addChangesRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/changes"), [&context](RequestContext &rc) {
        qint64 since = 0;
        if (rc.request.hasQuery(QStringLiteral("since"))) {
            bool ok = false;
            since = rc.request.queryValue(QStringLiteral("since")).toLongLong(&ok);
            if (!ok || since < 0)
                throw DomainError::validation(QStringLiteral("since must be a rev: a whole number, 0 or more"));
        }
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 1000, 1, 1000);
        const ChangePage page = ChangeFeed(context.db).read(rc.userId, since, limit);
        JsonWriter w(page.changes.size() + 64);
        w.beginObject().key("changes").raw(page.changes).field("nextSince", page.nextSince).field("hasMore", page.hasMore).endObject();
        return rawJsonResponse(200, w.take());
    });
}

} // namespace vesper::backend
