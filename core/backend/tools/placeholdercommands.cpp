#include "backend/server/serverconfig.h"
#include "backend/tools/commands.h"
#include "backend/tools/demodata.h"

#include <QCommandLineParser>
#include <cstdio>

// Temporary until the seed, repair-stats and create-user commands land in their own files.
namespace vesper::backend {
void addSeedOptions(QCommandLineParser &) {}
int runSeed(const ServerConfig &, const QCommandLineParser &) { std::fprintf(stderr, "seed: not built yet\n"); return 2; }
int runRepairStats(const ServerConfig &) { std::fprintf(stderr, "repair-stats: not built yet\n"); return 2; }
void addCreateUserOptions(QCommandLineParser &) {}
int runCreateUser(const ServerConfig &, const QCommandLineParser &) { std::fprintf(stderr, "create-user: not built yet\n"); return 2; }
DemoAccount ensureDemoData(Database &, const ServerConfig &) { return {QStringLiteral("demo@vesper.local"), QStringLiteral("vesper-demo"), QStringLiteral("Demo")}; }
}
