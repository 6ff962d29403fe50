#include "ui/gallery/generationcommands.h"

#include "client/net/apiclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "client/workspace/workspace.h"
#include "domain/generation.h"
#include "ui/app/uicontext.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

GenerationCommands::GenerationCommands(UiContext *ctx, QObject *parent) : QObject(parent), m_ctx(ctx) {}

void GenerationCommands::cancel(const QString &generationId)
{
    if (!m_ctx || !m_ctx->workspace() || !m_ctx->workspace()->isOpen())
        return;
    client::Workspace *workspace = m_ctx->workspace();
    client::ApiClient *api = &workspace->api();
    struct Outcome {
        bool ok = false;
        QString message;
    };
    auto *watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generationId, workspace] {
        watcher->deleteLater();
        const Outcome outcome = watcher->result();
        if (m_ctx && m_ctx->workspace() == workspace) {
            if (outcome.ok) {
                workspace->sync().requestSync();
                m_ctx->submitWrites();
            } else {
                m_ctx->reportError(tr("The generation could not be cancelled."), outcome.message);
            }
        }
        Q_EMIT cancelFinished(generationId, outcome.ok);
    });
    watcher->setFuture(QtConcurrent::run([api, generationId] {
        const auto result = api->cancelGeneration(generationId);
        Outcome outcome;
        outcome.ok = result.ok();
        if (!outcome.ok)
            outcome.message = result.error.message;
        return outcome;
    }));
}

QString GenerationCommands::retry(const Generation &generation)
{
    if (!m_ctx || !m_ctx->workspace() || !m_ctx->workspace()->isOpen())
        return {};
    client::GenerateParams params;
    params.sessionId = generation.sessionId;
    params.modelId = generation.modelId;
    params.prompt = generation.prompt;
    params.negativePrompt = generation.negativePrompt;
    const QJsonObject &p = generation.parameters;
    if (p.contains(QStringLiteral("aspectRatio")))
        params.aspectRatio = p.value(QStringLiteral("aspectRatio")).toString();
    params.resolution = p.value(QStringLiteral("resolution")).toVariant().toString();
    params.numOutputs = qMax(1, p.value(QStringLiteral("numOutputs")).toInt(1));
    if (p.value(QStringLiteral("seed")).isDouble())
        params.seed = qint64(p.value(QStringLiteral("seed")).toDouble());
    for (const QJsonValue &v : p.value(QStringLiteral("referenceUploadIds")).toArray())
        params.referenceUploadIds << v.toString();
    // clientId left empty: the outbox makes a fresh one, so the retry is a new generation.
    const client::OutboxWrite write = m_ctx->workspace()->outbox().requestGeneration(params);
    if (!write.ok()) {
        m_ctx->reportError(tr("The retry could not be queued."), write.error);
        return {};
    }
    m_ctx->submitWrites();
    return write.localId;
}

} // namespace vesper::ui
