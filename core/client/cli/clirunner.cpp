#include "client/cli/clirunner.h"
#include "client/auth/authsession.h"
#include "client/cache/cachestore.h"
#include "client/cli/clicontext.h"
#include "client/cli/passwordprompt.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"

#include <QJsonObject>

namespace vesper::client::cli {

namespace {

WorkspaceOptions workspaceOptions(const CliOptions &o, const std::optional<LocalLibrary> &local)
{
    WorkspaceOptions w;
    w.offline = o.offline;
    w.backgroundSync = false; // each command syncs itself, in order, before it prints
    // Empty: the folders the desktop app uses too (client/workspace/clientfolders.h).
    w.cacheRoot = o.cacheDir;
    w.configDir = o.configDir;
    if (!o.server.isEmpty()) {
        w.serverUrl = o.server;
        while (w.serverUrl.endsWith(QLatin1Char('/')))
            w.serverUrl.chop(1);
        w.accountKey = w.serverUrl;
        w.authUrl = o.authUrl;
        w.authApiKey = o.authKey;
    } else {
        w.accountKey = QStringLiteral("local");
        w.diskThumbnails = false; // the library's files are on this disk already
        if (local) {
            w.serverUrl = local->baseUrl;
            w.fixedToken = local->token;
            w.fixedUserId = local->userId;
        }
    }
    return w;
}

int runLogin(CliContext &c)
{
    if (c.options.server.isEmpty())
        return c.fail(QStringLiteral("the local library needs no sign-in; pass --server URL to sign in to a team server"), ExitCode::Usage);
    if (c.options.offline)
        return c.fail(QStringLiteral("cannot sign in with --offline"), ExitCode::Usage);
    QString error;
    const std::optional<QString> password = readPassword(c.options.passwordStdin, &error);
    if (!password)
        return c.fail(error, ExitCode::Usage);
    const ApiError signedIn = c.workspace.signIn(c.options.email, *password);
    if (!signedIn.ok() && signedIn.kind == ApiError::Kind::Http && (signedIn.status == 400 || signedIn.status == 401))
        return c.fail(QStringLiteral("sign-in refused: %1").arg(signedIn.message), ExitCode::NotSignedIn); // wrong email or password
    if (!signedIn.ok())
        return c.fail(signedIn);
    const QString note = c.workspace.keychainNote();
    c.out.line(QStringLiteral("signed in as %1").arg(c.workspace.email()));
    if (!note.isEmpty())
        c.out.line(note);
    c.out.document(QJsonObject{{QStringLiteral("email"), c.workspace.email()},
                               {QStringLiteral("userId"), c.workspace.userId()},
                               {QStringLiteral("keychain"), note.isEmpty()},
                               {QStringLiteral("note"), note}});
    return int(ExitCode::Done);
}

int runLogout(CliContext &c)
{
    if (c.options.server.isEmpty())
        return c.fail(QStringLiteral("the local library has no sign-in to end"), ExitCode::Usage);
    const ApiError error = c.workspace.signOut(c.options.clearCache);
    // Signed out locally whatever the server said: the keychain entry and the account are gone.
    c.out.line(error.ok() ? QStringLiteral("signed out") : QStringLiteral("signed out here (the server was not told: %1)").arg(error.message));
    c.out.document(QJsonObject{{QStringLiteral("signedOut"), true}, {QStringLiteral("serverRevoked"), error.ok()},
                               {QStringLiteral("cacheCleared"), c.options.clearCache}});
    return int(ExitCode::Done);
}

} // namespace

bool CliContext::refresh(bool showProgress)
{
    if (options.offline)
        return true;
    const FlushReport flushed = workspace.outbox().flush();
    if (!flushed.stoppedBy.ok() && exitCodeOf(flushed.stoppedBy) == ExitCode::Unreachable) {
        std::fprintf(stderr, "vesper-cli: %s unreachable; showing the local cache\n", qPrintable(workspace.options().serverUrl));
        return false;
    }
    std::optional<QMetaObject::Connection> progress;
    if (showProgress) {
        progress = QObject::connect(&workspace.sync(), &SyncEngine::progress, &workspace.sync(),
                                    [this](int pages, int changes, bool more) {
                                        out.progress(QStringLiteral("syncing"), changes, more ? 0 : changes);
                                        Q_UNUSED(pages);
                                    }, Qt::DirectConnection);
    }
    const SyncReport report = workspace.sync().syncNow();
    if (progress)
        QObject::disconnect(*progress);
    if (!report.ok()) {
        std::fprintf(stderr, "vesper-cli: sync stopped: %s; showing the local cache\n", qPrintable(report.error.message));
        return false;
    }
    return true;
}

QString CliContext::resolveProject(const QString &idOrName)
{
    if (workspace.cache().project(idOrName))
        return idOrName;
    QString cursor;
    do {
        const CachePage<Project> page = workspace.cache().projects(200, cursor);
        for (const Project &p : page.rows) {
            if (p.name == idOrName)
                return p.id;
        }
        cursor = page.nextCursor;
    } while (!cursor.isEmpty());
    return {};
}

QString CliContext::resolveSession(const QString &idOrPath)
{
    const qsizetype slash = idOrPath.lastIndexOf(QLatin1Char('/'));
    const QString projectId = slash > 0 ? resolveProject(idOrPath.left(slash)) : QString();
    const QString sessionName = slash > 0 ? idOrPath.mid(slash + 1) : QString();
    if (slash > 0 && projectId.isEmpty())
        return {};
    if (slash <= 0) {
        // A bare id: any session the cache holds with it.
        QString cursor;
        do {
            const CachePage<Project> projects = workspace.cache().projects(200, cursor);
            for (const Project &p : projects.rows) {
                const CachePage<Session> sessions = workspace.cache().sessions(p.id, 500);
                for (const Session &s : sessions.rows) {
                    if (s.id == idOrPath)
                        return s.id;
                }
            }
            cursor = projects.nextCursor;
        } while (!cursor.isEmpty());
        return {};
    }
    const CachePage<Session> sessions = workspace.cache().sessions(projectId, 500);
    for (const Session &s : sessions.rows) {
        if (s.name == sessionName || s.id == sessionName)
            return s.id;
    }
    return {};
}

int CliContext::fail(const ApiError &error)
{
    const ExitCode code = exitCodeOf(error);
    out.error(error.message.isEmpty() ? describe(error) : error.message, int(code));
    return int(code);
}

int CliContext::fail(const QString &message, ExitCode code)
{
    out.error(message, int(code));
    return int(code);
}

int runCli(const CliOptions &options, const std::optional<LocalLibrary> &local)
{
    CliOutput out(options.json);
    Workspace workspace(workspaceOptions(options, local));
    CliContext c{options, out, workspace};
    if (options.command == QLatin1String("login"))
        return runLogin(c);
    if (options.command == QLatin1String("logout"))
        return runLogout(c);
    if (options.server.isEmpty() && !local && !options.offline)
        return c.fail(QStringLiteral("the local library could not be started"), ExitCode::Unreachable);
    ApiError opened;
    if (options.passwordStdin && !options.server.isEmpty() && !options.offline) {
        // No keychain (or a script): sign in for this run only.
        QString error;
        const std::optional<QString> password = readPassword(true, &error);
        if (!password)
            return c.fail(error, ExitCode::Usage);
        opened = workspace.signIn(options.email, *password);
    } else {
        opened = workspace.open();
    }
    if (!opened.ok())
        return c.fail(opened);

    static const QHash<QString, int (*)(CliContext &)> commands{
        {QStringLiteral("status"), runStatus},           {QStringLiteral("whoami"), runWhoami},
        {QStringLiteral("sync"), runSync},               {QStringLiteral("projects"), runProjects},
        {QStringLiteral("sessions"), runSessions},       {QStringLiteral("generations"), runGenerations},
        {QStringLiteral("search"), runSearch},           {QStringLiteral("new-project"), runNewProject},
        {QStringLiteral("new-session"), runNewSession},  {QStringLiteral("generate"), runGenerate},
        {QStringLiteral("export"), runExport},           {QStringLiteral("enhance"), runEnhance},
    };
    const auto command = commands.constFind(options.command);
    if (command == commands.constEnd())
        return c.fail(QStringLiteral("unknown command \"%1\"").arg(options.command), ExitCode::Usage);
    return (*command)(c);
}

} // namespace vesper::client::cli
