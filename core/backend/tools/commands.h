#pragma once
// vesper-server's subcommands. Each returns the process exit code and prints one clear line on failure.
class QCommandLineParser;

namespace vesper::backend {

struct BackendSettings;

void addServeOptions(QCommandLineParser &parser);
int runServe(BackendSettings config, const QCommandLineParser &parser);
int runMigrate(const BackendSettings &config);
void addSeedOptions(QCommandLineParser &parser);
int runSeed(const BackendSettings &config, const QCommandLineParser &parser);
int runRepairStats(const BackendSettings &config);
void addCreateUserOptions(QCommandLineParser &parser);
int runCreateUser(const BackendSettings &config, const QCommandLineParser &parser);

} // namespace vesper::backend
