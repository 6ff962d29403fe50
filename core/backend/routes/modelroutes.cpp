#include "backend/catalog/modelcatalog.h"
#include "backend/context/servercontext.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"

namespace vesper::backend {

void addModelRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/models"), [&context](RequestContext &) {
        return jsonResponse(200, QJsonObject{{QStringLiteral("models"), context.catalog.models()}});
    });
}

} // namespace vesper::backend
