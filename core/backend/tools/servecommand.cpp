#include "backend/server/backendserver.h"
#include "backend/server/librarylock.h"
#include "backend/context/servercontext.h"
#include "backend/tools/commands.h"
#include "backend/tools/demodata.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>
#include <atomic>
#include <csignal>
#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstdio>

namespace vesper::backend {
namespace {
std::atomic<bool> g_stopRequested{false};
void requestStop(int) { g_stopRequested = true; }

// 1,024 connections, their open downloads and the database files need more descriptors than the
// usual soft limit of 1,024: raise it to the hard limit this process is allowed.
void raiseFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
#endif
}
// Request bodies are large, short-lived blocks. glibc raises its mmap threshold each time such a
// block is freed, after which they come from the heap, where freed space is seldom returned: a
// burst of held bodies then leaves hundreds of MB resident after they are gone. A fixed threshold
// keeps every block over 128 KiB mapped on its own and given back to the system when freed.
void keepLargeBlocksMapped()
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}
} // namespace

void addServeOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("demo"), QStringLiteral("Create a demo account and project if missing, and print how to sign in.")});
}

int runServe(BackendSettings config, const QCommandLineParser &parser)
{
    raiseFileLimit();
    keepLargeBlocksMapped();
    QString error;
    // A server on a library's own SQLite file holds the library like the app does, so the CLI (or
    // the app) never opens a second backend on the same files; it says who holds it instead.
    LibraryLock library(config.dataDir);
    const bool ownsLibrary = config.db.dialect == Dialect::Sqlite && !config.dataDir.isEmpty()
                             && config.db.sqlitePath == config.dataDir + QStringLiteral("/vesper.db");
    if (ownsLibrary && !library.acquire(&error)) {
        std::fprintf(stderr, "vesper-server: %s\n", qPrintable(error));
        return 1;
    }
    BackendServer server(config);
    if (!server.start(&error)) {
        std::fprintf(stderr, "vesper-server: %s\n", qPrintable(error));
        return 1;
    }
    const QString base = QStringLiteral("http://%1:%2").arg(config.listenHost).arg(server.port());
    // The token line comes first so a parent process that waits for "listening" has both.
    if (config.embedded)
        std::printf("embedded token: %s\n", server.context().embeddedToken.constData());
    std::printf("vesper-server listening on %s (database %s)\n", qPrintable(base), qPrintable(config.db.redacted()));
    if (parser.isSet(QStringLiteral("demo"))) {
        const DemoAccount demo = ensureDemoData(server.context().db, config);
        std::printf("demo account: %s / %s (project \"%s\")\n", qPrintable(demo.email), qPrintable(demo.password), qPrintable(demo.projectName));
        std::printf("sign in:  curl -s -X POST '%s/auth/v1/token?grant_type=password' -H 'Content-Type: application/json' "
                    "-d '{\"email\":\"%s\",\"password\":\"%s\"}'\n",
                    qPrintable(base), qPrintable(demo.email), qPrintable(demo.password));
        std::printf("then:     curl -s %s/api/projects/with-thumbnails -H \"Authorization: Bearer $ACCESS_TOKEN\"\n", qPrintable(base));
    }
    std::fflush(stdout);
    std::signal(SIGINT, requestStop);
    std::signal(SIGTERM, requestStop);
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [] {
        if (g_stopRequested)
            QCoreApplication::quit();
    });
    poll.start(100);
    const int code = QCoreApplication::exec();
    server.stop();
    std::printf("vesper-server stopped\n");
    return code;
}

} // namespace vesper::backend
