#include "client/cache/cacherows.h"

#include <QJsonDocument>
#include <QStringList>

namespace vesper::client::cacherows {
namespace {
QString prefixed(const char *columns, const QString &alias)
{
    QStringList list;
    for (const QString &column : QString::fromLatin1(columns).split(QLatin1Char(',')))
        list << alias + QLatin1Char('.') + column.trimmed();
    return list.join(QStringLiteral(", "));
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}
} // namespace

QString generationColumns(const QString &alias)
{
    return prefixed("id, session_id, user_id, model_id, client_id, status, progress, progress_is_estimate, prompt, negative_prompt, "
                    "params, error, cost, created_at, started_at, finished_at, pending",
                    alias);
}

Generation generationAt(const QSqlQuery &q, int i, bool *pending)
{
    Generation g;
    g.id = q.value(i).toString();
    g.sessionId = q.value(i + 1).toString();
    g.userId = q.value(i + 2).toString();
    g.modelId = q.value(i + 3).toString();
    if (!q.value(i + 4).isNull())
        g.clientId = q.value(i + 4).toString();
    g.status = generationStatusFromName(q.value(i + 5).toString()).value_or(GenerationStatus::Queued);
    g.progress = q.value(i + 6).toLongLong();
    g.progressIsEstimate = q.value(i + 7).toInt() != 0;
    g.prompt = q.value(i + 8).toString();
    g.negativePrompt = q.value(i + 9).toString();
    g.parameters = QJsonDocument::fromJson(q.value(i + 10).toByteArray()).object();
    if (!q.value(i + 11).isNull())
        g.error = GenerationError::fromJson(QJsonDocument::fromJson(q.value(i + 11).toByteArray()).object());
    g.cost = q.value(i + 12).toLongLong();
    g.createdAt = q.value(i + 13).toLongLong();
    g.startedAt = optionalInt(q.value(i + 14));
    g.finishedAt = optionalInt(q.value(i + 15));
    if (pending)
        *pending = q.value(i + 16).toInt() != 0;
    return g;
}

QString outputColumns(const QString &alias)
{
    return prefixed("id, generation_id, session_id, file_type, width, height, is_starred, created_at, thumbnail_url, url, pending", alias);
}

Output outputAt(const QSqlQuery &q, int i, bool *pending)
{
    Output o;
    o.id = q.value(i).toString();
    o.generationId = q.value(i + 1).toString();
    o.sessionId = q.value(i + 2).toString();
    o.fileType = q.value(i + 3).toString();
    o.width = optionalInt(q.value(i + 4));
    o.height = optionalInt(q.value(i + 5));
    o.isStarred = q.value(i + 6).toInt() != 0;
    o.createdAt = q.value(i + 7).toLongLong();
    o.thumbnailUrl = q.value(i + 8).toString();
    o.url = q.value(i + 9).toString();
    if (pending)
        *pending = q.value(i + 10).toInt() != 0;
    return o;
}

} // namespace vesper::client::cacherows
