#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/generationrepository.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"

namespace vesper::backend {

void addGenerationRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/generations"), [&context](RequestContext &rc) {
        const QString sessionId = jsonbody::queryId(rc.request, QStringLiteral("sessionId"));
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 20, 1, 50);
        const auto cursor = jsonbody::queryCursor(rc.request);
        AccessControl acl(context.db);
        const SessionAccess access = acl.session(context.db.connection(), rc.userId, sessionId);
        const GenerationPage page = GenerationRepository(context.db).listForSession(access.sessionId, rc.userId, limit, cursor);
        return rawJsonResponse(200, pageJson(page.data, page.nextCursor));
    });

    router.add("GET", QStringLiteral("/api/projects/{id}/images"), [&context](RequestContext &rc) {
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 40, 1, 100);
        const auto cursor = jsonbody::queryCursor(rc.request);
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        const GenerationPage page = GenerationRepository(context.db).listImages(access.projectId, access.isOwner(), limit, cursor);
        return rawJsonResponse(200, pageJson(page.data, page.nextCursor));
    });
}

} // namespace vesper::backend
