#include "backend/server/serverconfig.h"
#include "backend/tools/commands.h"

#include <cstdio>

namespace vesper::backend {
int runRepairStats(const ServerConfig &)
{
    std::fprintf(stderr, "vesper-server repair-stats: not built yet\n");
    return 2;
}
}
