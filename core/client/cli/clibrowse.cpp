// The reading commands: status, whoami, sync, projects, sessions, generations, search. Each brings the
// cache up to date first when online and then prints from the cache — the same rows the app shows.
#include "client/cache/cachestore.h"
#include "client/cli/clicontext.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "domain/wiretime.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vesper::client::cli {

namespace {

QString shortTime(qint64 micros)
{
    return QDateTime::fromMSecsSinceEpoch(micros / 1000, Qt::UTC).toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

template <class T, class Fetch>
QList<T> allPages(Fetch fetch, QSet<QString> *pending = nullptr)
{
    QList<T> rows;
    QString cursor;
    do {
        const CachePage<T> page = fetch(cursor);
        rows += page.rows;
        if (pending)
            *pending += page.pending;
        cursor = page.nextCursor;
    } while (!cursor.isEmpty());
    return rows;
}

QJsonObject withPending(QJsonObject json, const QSet<QString> &pending, const QString &id)
{
    json.insert(QStringLiteral("pending"), pending.contains(id));
    return json;
}

} // namespace

int runStatus(CliContext &c)
{
    bool online = false;
    if (!c.options.offline) {
        const ApiResult<QJsonObject> health = c.workspace.api().send("GET", QStringLiteral("/healthz"));
        online = health.ok();
    }
    const CacheCounts counts = c.workspace.cache().counts();
    const QList<OutboxEntry> pending = c.workspace.outbox().pending();
    QJsonArray refused;
    for (const OutboxEntry &e : pending) {
        if (e.state == OutboxState::Conflict || e.state == OutboxState::Failed)
            refused.append(QJsonObject{{QStringLiteral("id"), e.id}, {QStringLiteral("kind"), e.kind},
                                       {QStringLiteral("state"), outboxStateName(e.state)}, {QStringLiteral("reason"), e.reason}});
    }
    const QString server = c.options.server.isEmpty() ? QStringLiteral("local library") : c.options.server;
    c.out.line(QStringLiteral("server:   %1 (%2)").arg(server, c.options.offline ? QStringLiteral("offline mode")
                                                               : online ? QStringLiteral("online") : QStringLiteral("unreachable")));
    const QString lastSync = counts.lastSyncAt > 0 ? shortTime(counts.lastSyncAt) : QStringLiteral("never");
    c.out.line(QStringLiteral("synced:   %1 (feed position %2)").arg(lastSync, counts.position));
    c.out.line(QStringLiteral("cache:    %1 (%2 projects, %3 generations, %4 in flight)")
                   .arg(c.workspace.cacheDir()).arg(counts.projects).arg(counts.generations).arg(counts.inFlight));
    c.out.line(QStringLiteral("pending:  %1 queued writes, %2 conflicts, %3 refused").arg(counts.outboxQueued).arg(counts.outboxConflicts).arg(counts.outboxFailed));
    for (const QJsonValue &r : refused)
        c.out.line(QStringLiteral("  #%1 %2: %3").arg(r[QStringLiteral("id")].toInteger()).arg(r[QStringLiteral("kind")].toString(), r[QStringLiteral("reason")].toString()));
    c.out.document(QJsonObject{{QStringLiteral("server"), server}, {QStringLiteral("online"), online},
                               {QStringLiteral("offline"), c.options.offline}, {QStringLiteral("cacheDir"), c.workspace.cacheDir()},
                               {QStringLiteral("position"), counts.position}, {QStringLiteral("projects"), counts.projects},
                               {QStringLiteral("lastSyncAt"), counts.lastSyncAt > 0 ? timeValue(counts.lastSyncAt) : QJsonValue()},
                               {QStringLiteral("generations"), counts.generations}, {QStringLiteral("inFlight"), counts.inFlight},
                               {QStringLiteral("queued"), counts.outboxQueued}, {QStringLiteral("conflicts"), counts.outboxConflicts},
                               {QStringLiteral("failed"), counts.outboxFailed}, {QStringLiteral("refused"), refused}});
    return int(ExitCode::Done);
}

int runWhoami(CliContext &c)
{
    c.refresh();
    const std::optional<Profile> profile = c.workspace.cache().profile();
    if (!profile)
        return c.fail(QStringLiteral("no profile cached yet; run `vesper-cli sync` while online"), ExitCode::Failed);
    c.out.line(QStringLiteral("%1 (%2), %3 credits").arg(profile->displayName.isEmpty() ? profile->id : profile->displayName,
                                                        profile->email.isEmpty() ? QStringLiteral("local profile") : profile->email)
                   .arg(profile->credits));
    c.out.document(profile->toJson());
    return int(ExitCode::Done);
}

int runSync(CliContext &c)
{
    if (c.options.offline)
        return c.fail(QStringLiteral("sync needs the server; drop --offline"), ExitCode::Usage);
    const FlushReport flushed = c.workspace.outbox().flush();
    if (!flushed.stoppedBy.ok())
        return c.fail(flushed.stoppedBy);
    QMetaObject::Connection progress = QObject::connect(
        &c.workspace.sync(), &SyncEngine::progress, &c.workspace.sync(),
        [&c](int, int changes, bool more) { c.out.progress(QStringLiteral("syncing"), changes, more ? 0 : changes); },
        Qt::DirectConnection);
    const SyncReport report = c.workspace.sync().syncNow();
    QObject::disconnect(progress);
    if (!report.ok())
        return c.fail(report.error);
    c.out.line(QStringLiteral("up to date: %1 changes in %2 pages; sent %3 writes, %4 conflicts, %5 refused")
                   .arg(report.changes).arg(report.pages).arg(flushed.sent).arg(flushed.conflicts).arg(flushed.failed));
    c.out.document(QJsonObject{{QStringLiteral("changes"), report.changes}, {QStringLiteral("pages"), report.pages},
                               {QStringLiteral("position"), report.position}, {QStringLiteral("sent"), flushed.sent},
                               {QStringLiteral("conflicts"), flushed.conflicts}, {QStringLiteral("failed"), flushed.failed}});
    return flushed.conflicts + flushed.failed > 0 ? int(ExitCode::Failed) : int(ExitCode::Done);
}

int runProjects(CliContext &c)
{
    c.refresh();
    QSet<QString> pending;
    const QList<Project> projects = allPages<Project>([&](const QString &cursor) { return c.workspace.cache().projects(200, cursor); }, &pending);
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("SESSIONS"), QStringLiteral("ROLE"), QStringLiteral("UPDATED")}};
    QJsonArray json;
    for (const Project &p : projects) {
        rows.append({p.id, p.name + (pending.contains(p.id) ? QStringLiteral(" (pending)") : QString()),
                     QString::number(p.sessionCount), memberRoleName(p.role), shortTime(p.updatedAt)});
        json.append(withPending(p.toJson(), pending, p.id));
    }
    c.out.table(rows);
    c.out.document(json);
    return int(ExitCode::Done);
}

int runSessions(CliContext &c)
{
    c.refresh();
    const QString projectId = c.resolveProject(c.options.args.at(0));
    if (projectId.isEmpty())
        return c.fail(QStringLiteral("no project \"%1\" in the cache").arg(c.options.args.at(0)), ExitCode::NotFound);
    QSet<QString> pending;
    const QList<Session> sessions = allPages<Session>([&](const QString &cursor) { return c.workspace.cache().sessions(projectId, 200, cursor); }, &pending);
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("NAME"), QStringLiteral("PRIVATE"), QStringLiteral("CREATED")}};
    QJsonArray json;
    for (const Session &s : sessions) {
        rows.append({s.id, s.name + (pending.contains(s.id) ? QStringLiteral(" (pending)") : QString()),
                     s.isPrivate ? QStringLiteral("yes") : QStringLiteral("no"), shortTime(s.createdAt)});
        json.append(withPending(s.toJson(), pending, s.id));
    }
    c.out.table(rows);
    c.out.document(json);
    return int(ExitCode::Done);
}

namespace {
int printGenerations(CliContext &c, const QList<Generation> &generations, const QSet<QString> &pending)
{
    QList<QStringList> rows{{QStringLiteral("ID"), QStringLiteral("STATUS"), QStringLiteral("MODEL"), QStringLiteral("OUTPUTS"), QStringLiteral("PROMPT")}};
    QJsonArray json;
    for (const Generation &g : generations) {
        QString status = generationStatusName(g.status);
        if (pending.contains(g.id))
            status = QStringLiteral("pending");
        else if (!g.isFinished())
            status += QStringLiteral(" %1%").arg(g.progress);
        rows.append({g.id, status, g.modelId, QString::number(g.outputs ? g.outputs->size() : 0), g.prompt});
        json.append(withPending(g.toJson(), pending, g.id));
    }
    c.out.table(rows);
    c.out.document(json);
    return int(ExitCode::Done);
}
} // namespace

int runGenerations(CliContext &c)
{
    c.refresh();
    const QString sessionId = c.resolveSession(c.options.args.at(0));
    if (sessionId.isEmpty())
        return c.fail(QStringLiteral("no session \"%1\" in the cache").arg(c.options.args.at(0)), ExitCode::NotFound);
    QSet<QString> pending;
    const QList<Generation> generations = allPages<Generation>([&](const QString &cursor) { return c.workspace.cache().generations(sessionId, 200, cursor); }, &pending);
    return printGenerations(c, generations, pending);
}

int runSearch(CliContext &c)
{
    c.refresh();
    const CachePage<Generation> page = c.workspace.cache().search(c.options.args.at(0), 100);
    if (!page.ok())
        return c.fail(page.error, ExitCode::Failed);
    return printGenerations(c, page.rows, page.pending);
}

} // namespace vesper::client::cli
