#include "backend/http/router.h"
#include "backend/routes/routes.h"

namespace vesper::backend {

void addProjectRoutes(Router &, ServerContext &)
{
}

} // namespace vesper::backend
