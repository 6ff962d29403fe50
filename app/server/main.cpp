// vesper-server: the Vesper backend. With no subcommand it serves; see --help.
#include "backend/server/settingsloader.h"
#include "backend/tools/commands.h"
#include "common/logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QProcessEnvironment>
#include <cstdio>

using namespace vesper::backend;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vesper-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VESPER_VERSION));
    vesper::installJsonLogHandler();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Vesper backend.\n\nCommands:\n  serve         serve the HTTP API (the default)\n"
        "  migrate       apply database migrations and exit\n  seed          fill the database with realistic demo data\n"
        "  repair-stats  recompute project_stats, print the drift found, fix it\n  create-user   create a profile with a password"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("serve | migrate | seed | repair-stats | create-user"));
    SettingsLoader::addOptions(parser);
    addServeOptions(parser);
    addSeedOptions(parser);
    addCreateUserOptions(parser);
    parser.process(app);

    const QStringList positional = parser.positionalArguments();
    const QString command = positional.isEmpty() ? QStringLiteral("serve") : positional.first();
    QString error;
    const auto config = SettingsLoader::load(parser, &error);
    if (!config) {
        std::fprintf(stderr, "vesper-server: %s\n", qPrintable(error));
        return 2;
    }
    if (command == QLatin1String("serve"))
        return runServe(*config, parser);
    if (command == QLatin1String("migrate"))
        return runMigrate(*config);
    if (command == QLatin1String("seed"))
        return runSeed(*config, parser);
    if (command == QLatin1String("repair-stats"))
        return runRepairStats(*config);
    if (command == QLatin1String("create-user")) {
        const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString passwordVariable = QStringLiteral("VESPER_NEW_PASSWORD");
        return runCreateUser(*config, parser,
                             env.contains(passwordVariable) ? std::optional(env.value(passwordVariable)) : std::nullopt);
    }
    std::fprintf(stderr, "vesper-server: unknown command \"%s\" (serve, migrate, seed, repair-stats, create-user)\n", qPrintable(command));
    return 2;
}
