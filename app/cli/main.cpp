// vesper-cli: reads the command line, finds the local library's backend when no server is given —
// the desktop app's running one, or one started here on the data folder (one per folder, locked) —
// and hands over to the client core's CLI (core/client/cli). --offline never starts or reaches one.
#include "backend/server/embeddedbackend.h"
#include "client/cli/clioptions.h"
#include "client/cli/clirunner.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <cstdio>

using namespace vesper;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vesper"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VESPER_VERSION));
    // A terminal tool prints its results, not the core's progress notes; QT_LOGGING_RULES still wins.
    QLoggingCategory::setFilterRules(QStringLiteral("vesper.*.info=false\nvesper.*.debug=false"));
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.contains(QLatin1String("--help")) || arguments.contains(QLatin1String("-h"))) {
        std::fputs(client::cli::cliUsage().toUtf8().constData(), stdout);
        return 0;
    }
    if (arguments.contains(QLatin1String("--version"))) {
        std::printf("vesper-cli %s\n", VESPER_VERSION);
        return 0;
    }
    QString error;
    auto options = client::cli::parseCliOptions(arguments, qEnvironmentVariable("VESPER_SERVER"), &error);
    if (!options) {
        std::fprintf(stderr, "vesper-cli: %s\n", qPrintable(error));
        return 2;
    }
    if (options->authUrl.isEmpty())
        options->authUrl = qEnvironmentVariable("VESPER_AUTH_URL");
    if (options->authKey.isEmpty())
        options->authKey = qEnvironmentVariable("VESPER_AUTH_KEY");

    std::optional<client::cli::LocalLibrary> local;
    std::unique_ptr<backend::EmbeddedBackend> embedded;
    const bool needsLocal = options->server.isEmpty() && !options->offline && options->command != QLatin1String("login")
                            && options->command != QLatin1String("logout");
    if (needsLocal) {
        const QString dataDir = !options->dataDir.isEmpty()
            ? options->dataDir
            : QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/vesper");
        if (const auto attached = backend::EmbeddedBackend::attach(dataDir, &error)) {
            local = client::cli::LocalLibrary{attached->baseUrl, QString::fromLatin1(attached->accessToken), attached->localUserId};
        } else {
            backend::BackendSettings settings = backend::BackendSettings::forDataDir(dataDir);
            settings.accessLog = false;
            embedded = std::make_unique<backend::EmbeddedBackend>(settings);
            if (!embedded->start(&error)) {
                std::fprintf(stderr, "vesper-cli: the local library in %s cannot be opened: %s\n", qPrintable(dataDir), qPrintable(error));
                return 4;
            }
            local = client::cli::LocalLibrary{embedded->baseUrl(), QString::fromLatin1(embedded->accessToken()), embedded->localUserId()};
        }
    }
    const int code = client::cli::runCli(*options, local);
    if (embedded)
        embedded->stop(); // jobs still running go back to the queue; the next start finishes them
    return code;
}
