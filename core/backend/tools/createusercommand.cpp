#include "backend/server/serverconfig.h"
#include "backend/tools/commands.h"

#include <QCommandLineParser>
#include <cstdio>

namespace vesper::backend {
void addCreateUserOptions(QCommandLineParser &) {}
int runCreateUser(const ServerConfig &, const QCommandLineParser &)
{
    std::fprintf(stderr, "vesper-server create-user: not built yet\n");
    return 2;
}
}
