// The writing commands: new-project, new-session, generate. Every write goes through the outbox, so
// the same command works offline (queued, sent by the next sync) and online (sent now), and a retry
// never creates anything twice.
#include "client/cache/cachestore.h"
#include "client/cli/clicontext.h"
#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QThread>

namespace vesper::client::cli {

namespace {

/// Sends what was just queued (online) and reports how that went for the entry with localId.
/// Returns the server's answer for it, or the exit code to stop with.
std::variant<QJsonObject, int> sendNow(CliContext &c, const OutboxWrite &write, const QString &what)
{
    if (c.options.offline) {
        c.out.line(QStringLiteral("%1 queued offline as %2; `vesper-cli sync` sends it").arg(what, write.localId));
        c.out.document(QJsonObject{{QStringLiteral("id"), write.localId}, {QStringLiteral("pending"), true}});
        return int(ExitCode::Done);
    }
    const FlushReport flushed = c.workspace.outbox().flush();
    if (flushed.answers.contains(write.localId))
        return flushed.answers.value(write.localId);
    bool stillPending = false;
    for (const OutboxEntry &e : c.workspace.outbox().pending()) {
        if (e.id != write.entryId)
            continue;
        stillPending = true;
        if (e.state != OutboxState::Queued)
            return c.fail(QStringLiteral("%1 refused: %2").arg(what, e.reason), ExitCode::Failed);
    }
    if (!stillPending) {
        // The desktop app's flush on the same cache took it first: sent once, by that process.
        c.out.line(QStringLiteral("%1 %2 was sent by another vesper process on this cache; `vesper-cli sync` shows it").arg(what, write.localId));
        c.out.document(QJsonObject{{QStringLiteral("id"), write.localId}, {QStringLiteral("pending"), false}, {QStringLiteral("sentElsewhere"), true}});
        return int(ExitCode::Done);
    }
    const QString why = flushed.stoppedBy.ok() ? QStringLiteral("an earlier queued write is still waiting") : flushed.stoppedBy.message;
    c.out.error(QStringLiteral("%1 queued as %2 but not sent (%3); `vesper-cli sync` sends it").arg(what, write.localId, why),
                int(ExitCode::Unreachable));
    return int(ExitCode::Unreachable);
}

} // namespace

int runNewProject(CliContext &c)
{
    const OutboxWrite write = c.workspace.outbox().createProject(c.options.args.at(0));
    if (!write.ok())
        return c.fail(write.error, ExitCode::Failed);
    const auto sent = sendNow(c, write, QStringLiteral("project"));
    if (const int *code = std::get_if<int>(&sent))
        return *code;
    const QJsonObject project = std::get<QJsonObject>(sent);
    c.refresh();
    c.out.line(project.value(QStringLiteral("id")).toString());
    c.out.document(project);
    return int(ExitCode::Done);
}

int runNewSession(CliContext &c)
{
    c.refresh();
    const QString projectId = c.resolveProject(c.options.args.at(0));
    if (projectId.isEmpty())
        return c.fail(QStringLiteral("no project \"%1\" in the cache").arg(c.options.args.at(0)), ExitCode::NotFound);
    const OutboxWrite write = c.workspace.outbox().createSession(projectId, c.options.args.at(1));
    if (!write.ok())
        return c.fail(write.error, ExitCode::Failed);
    const auto sent = sendNow(c, write, QStringLiteral("session"));
    if (const int *code = std::get_if<int>(&sent))
        return *code;
    const QJsonObject session = std::get<QJsonObject>(sent);
    c.refresh();
    c.out.line(session.value(QStringLiteral("id")).toString());
    c.out.document(session);
    return int(ExitCode::Done);
}

namespace {

std::optional<ModelInfo> chooseModel(CliContext &c, QString *error)
{
    const QList<ModelInfo> models = c.workspace.cache().models();
    for (const ModelInfo &m : models) {
        if (c.options.model.isEmpty() ? m.available : m.id == c.options.model)
            return m;
    }
    *error = c.options.model.isEmpty() ? QStringLiteral("no model is available; see the server's provider settings")
                                       : QStringLiteral("no model \"%1\" (models: %2)").arg(c.options.model, [&] {
                                             QStringList ids;
                                             for (const ModelInfo &m : models)
                                                 ids.append(m.id);
                                             return ids.join(QStringLiteral(", "));
                                         }());
    return std::nullopt;
}

/// Polls one generation until it finishes, drawing its progress; the final state, or an error.
ApiResult<Generation> waitFor(CliContext &c, const QString &id)
{
    int failures = 0;
    for (;;) {
        const ApiResult<QList<Generation>> status = c.workspace.api().generationStatus({id});
        if (!status.ok()) {
            if (!status.error.isTransient() || ++failures > 10)
                return {Generation{}, status.error};
            QThread::msleep(2000);
            continue;
        }
        failures = 0;
        if (status.value.isEmpty())
            return {Generation{}, ApiError::badResponse(QStringLiteral("the server no longer knows generation %1").arg(id))};
        const Generation g = status.value.first();
        CacheChanges changes;
        QString error;
        c.workspace.cache().updateGenerations(status.value, &changes, &error);
        c.out.progress(QStringLiteral("%1 %2").arg(id.left(8), generationStatusName(g.status)), g.isFinished() ? 100 : g.progress, 100);
        if (g.isFinished())
            return {g, {}};
        QThread::msleep(1000);
    }
}

} // namespace

int runGenerate(CliContext &c)
{
    c.refresh();
    const QString sessionId = c.resolveSession(c.options.args.at(0));
    if (sessionId.isEmpty())
        return c.fail(QStringLiteral("no session \"%1\" in the cache").arg(c.options.args.at(0)), ExitCode::NotFound);
    QString error;
    const std::optional<ModelInfo> model = chooseModel(c, &error);
    if (!model)
        return c.fail(error, c.options.model.isEmpty() ? ExitCode::Failed : ExitCode::NotFound);
    GenerateParams params;
    params.sessionId = sessionId;
    params.modelId = model->id;
    params.prompt = c.options.args.at(1);
    params.aspectRatio = c.options.aspect.isEmpty() ? (model->aspectRatios.isEmpty() ? QStringLiteral("1:1") : model->aspectRatios.first())
                                                    : c.options.aspect;
    params.resolution = c.options.resolution > 0 ? QString::number(c.options.resolution)
                                                 : (model->resolutions.isEmpty() ? QString() : model->resolutions.first());
    params.numOutputs = c.options.count > 0 ? c.options.count : 1;
    params.seed = c.options.seed;
    const OutboxWrite write = c.workspace.outbox().requestGeneration(params);
    if (!write.ok())
        return c.fail(write.error, ExitCode::Failed);
    const auto sent = sendNow(c, write, QStringLiteral("generation"));
    if (const int *code = std::get_if<int>(&sent))
        return *code;
    const QJsonObject answer = std::get<QJsonObject>(sent);
    const QString id = answer.value(QStringLiteral("id")).toString();
    c.refresh(); // the server's row replaces the pending one
    if (!c.options.wait) {
        c.out.line(id);
        c.out.document(answer);
        return int(ExitCode::Done);
    }
    const ApiResult<Generation> done = waitFor(c, id);
    if (!done.ok())
        return c.fail(done.error);
    c.refresh();
    QJsonObject result = answer;
    QJsonArray outputIds;
    if (done.value.outputs) {
        for (const Output &o : *done.value.outputs)
            outputIds.append(o.id);
    }
    result.insert(QStringLiteral("status"), generationStatusName(done.value.status));
    result.insert(QStringLiteral("outputs"), outputIds);
    if (done.value.error)
        result.insert(QStringLiteral("error"), done.value.error->toJson());
    for (const QJsonValue &o : outputIds)
        c.out.line(o.toString());
    c.out.document(result);
    if (done.value.status != GenerationStatus::Completed) {
        const QString why = done.value.error ? done.value.error->message : generationStatusName(done.value.status);
        std::fprintf(stderr, "vesper-cli: generation %s: %s\n", qPrintable(id), qPrintable(why));
        return int(ExitCode::Failed);
    }
    return int(ExitCode::Done);
}

} // namespace vesper::client::cli
