#pragma once
// vesper-server's subcommands. Each returns the process exit code and prints one clear line on failure.
#include <QString>
#include <optional>

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
// The password comes from --password-stdin or, read by main() with the rest of the environment,
// VESPER_NEW_PASSWORD (never argv, which `ps` shows).
int runCreateUser(const BackendSettings &config, const QCommandLineParser &parser,
                  const std::optional<QString> &passwordFromEnvironment);

} // namespace vesper::backend
