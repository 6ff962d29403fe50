#include "backend/http/router.h"
#include "backend/routes/routes.h"

namespace vesper::backend {

void addSessionRoutes(Router &, ServerContext &)
{
}

} // namespace vesper::backend
