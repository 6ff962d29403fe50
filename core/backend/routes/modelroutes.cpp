#include "backend/catalog/modelcatalog.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"

namespace vesper::backend {

void addModelRoutes(Router &router, ServerContext &)
{
    router.add("GET", QStringLiteral("/api/models"), [](RequestContext &) {
        return jsonResponse(200, QJsonObject{{QStringLiteral("models"), ModelCatalog::models()}});
    });
}

} // namespace vesper::backend
