#include "backend/server/serverconfig.h"
#include "backend/tools/commands.h"

#include <QCommandLineParser>
#include <cstdio>

namespace vesper::backend {
void addSeedOptions(QCommandLineParser &) {}
int runSeed(const ServerConfig &, const QCommandLineParser &)
{
    std::fprintf(stderr, "vesper-server seed: not built yet\n");
    return 2;
}
}
