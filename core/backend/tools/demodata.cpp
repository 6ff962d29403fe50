#include "backend/tools/demodata.h"

namespace vesper::backend {
DemoAccount ensureDemoData(Database &, const ServerConfig &)
{
    return {QStringLiteral("(demo data not built yet)"), QString(), QString()};
}
}
