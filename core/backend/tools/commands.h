#pragma once
// vesper-server's subcommands. Each returns the process exit code and prints one clear line on failure.
class QCommandLineParser;

namespace vesper::backend {

struct ServerConfig;

void addServeOptions(QCommandLineParser &parser);
int runServe(ServerConfig config, const QCommandLineParser &parser);
int runMigrate(const ServerConfig &config);
void addSeedOptions(QCommandLineParser &parser);
int runSeed(const ServerConfig &config, const QCommandLineParser &parser);
int runRepairStats(const ServerConfig &config);
void addCreateUserOptions(QCommandLineParser &parser);
int runCreateUser(const ServerConfig &config, const QCommandLineParser &parser);

} // namespace vesper::backend
