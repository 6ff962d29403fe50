#include "backend/repositories/rowcodec.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "common/clock.h"
#include "common/jsonwriter.h"

namespace vesper::backend::rowcodec {
namespace {
void timeField(JsonWriter &w, const char *name, const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    if (v.isNull())
        w.nullField(name);
    else
        w.field(name, formatTime(v.toLongLong()));
}

void nullableTextField(JsonWriter &w, const char *name, const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    if (v.isNull())
        w.nullField(name);
    else
        w.field(name, v.toString());
}

void nullableIntField(JsonWriter &w, const char *name, const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    if (v.isNull())
        w.nullField(name);
    else
        w.field(name, v.toLongLong());
}
} // namespace

QString thumbnailUrl(const QString &outputId)
{
    return QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId);
}

QString fileUrl(const QString &outputId)
{
    return QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId);
}

QString projectColumns(const Database &d)
{
    return QStringLiteral("p.id, p.name, p.description, p.owner_id, p.is_shared, %1, %2, o.display_name, o.username, "
                          "st.sessions_all, st.sessions_shared, st.latest_output_all, st.latest_output_shared, p.rev, p.shared_rev")
        .arg(d.timeColumn(QStringLiteral("p.created_at")), d.timeColumn(QStringLiteral("p.updated_at")));
}

QString projectJoins()
{
    return QStringLiteral(" JOIN profiles o ON o.id = p.owner_id LEFT JOIN project_stats st ON st.project_id = p.id ");
}

void projectFields(JsonWriter &w, const SqlQuery &q, int offset, const QString &role)
{
    const int i = offset;
    const QString ownerId = q.text(i + 3);
    // Members count and see only sessions that are not private (DESIGN §3): their figures come
    // from the "shared" half of the read model.
    const bool owner = role == QLatin1String("owner");
    const QString latest = q.text(owner ? i + 11 : i + 12);
    w.field("id", q.text(i)).field("name", q.text(i + 1)).field("description", q.text(i + 2)).field("ownerId", ownerId)
        .field("isShared", q.boolean(i + 4));
    timeField(w, "createdAt", q, i + 5);
    timeField(w, "updatedAt", q, i + 6);
    w.key("owner").beginObject().field("id", ownerId).field("displayName", q.text(i + 7));
    nullableTextField(w, "username", q, i + 8);
    w.endObject();
    w.field("role", role).field("sessionCount", q.int64(owner ? i + 9 : i + 10));
    if (latest.isEmpty())
        w.nullField("thumbnailUrl");
    else
        w.field("thumbnailUrl", thumbnailUrl(latest));
    // The rev of the project as this caller sees it: members' moves only with what they see.
    w.field("rev", q.int64(owner ? i + 13 : i + 14));
}

QString sessionColumns(const Database &d)
{
    return QStringLiteral("s.id, s.project_id, s.creator_id, s.name, s.type, s.is_private, %1, %2, s.rev")
        .arg(d.timeColumn(QStringLiteral("s.created_at")), d.timeColumn(QStringLiteral("s.updated_at")));
}

void sessionFields(JsonWriter &w, const SqlQuery &q, int offset)
{
    const int i = offset;
    w.field("id", q.text(i)).field("projectId", q.text(i + 1)).field("creatorId", q.text(i + 2)).field("name", q.text(i + 3))
        .field("type", q.text(i + 4)).field("isPrivate", q.boolean(i + 5));
    timeField(w, "createdAt", q, i + 6);
    timeField(w, "updatedAt", q, i + 7);
    w.field("rev", q.int64(i + 8));
}

QString generationColumns(const Database &d)
{
    return QStringLiteral("g.id, g.session_id, g.user_id, g.model_id, g.prompt, g.negative_prompt, g.parameters, g.status, "
                          "g.progress, g.progress_is_estimate, g.error_code, g.error_message, g.cost, %1, %2, %3, g.rev, g.client_id")
        .arg(d.timeColumn(QStringLiteral("g.created_at")), d.timeColumn(QStringLiteral("g.started_at")),
             d.timeColumn(QStringLiteral("g.finished_at")));
}

void generationFields(JsonWriter &w, const SqlQuery &q, const QString &viewerId, int offset)
{
    const int i = offset;
    const QByteArray parameters = q.text(i + 6).toUtf8().trimmed();
    w.field("id", q.text(i)).field("sessionId", q.text(i + 1)).field("userId", q.text(i + 2)).field("modelId", q.text(i + 3))
        .field("prompt", q.text(i + 4)).field("negativePrompt", q.text(i + 5));
    // Parameters are JSON the server itself wrote; anything else is served as an empty object.
    w.key("parameters").raw(parameters.startsWith('{') && parameters.endsWith('}') ? parameters : QByteArray("{}"));
    w.field("status", q.text(i + 7)).field("progress", q.int64(i + 8)).field("progressIsEstimate", q.boolean(i + 9));
    if (q.value(i + 10).isNull())
        w.nullField("error");
    else
        w.key("error").beginObject().field("code", q.text(i + 10)).field("message", q.text(i + 11)).endObject();
    w.field("cost", q.int64(i + 12));
    timeField(w, "createdAt", q, i + 13);
    timeField(w, "startedAt", q, i + 14);
    timeField(w, "finishedAt", q, i + 15);
    w.field("rev", q.int64(i + 16));
    // The idempotency key is the creator's own: only they can match it to an outbox entry.
    if (!viewerId.isEmpty() && q.text(i + 2) == viewerId && !q.value(i + 17).isNull())
        w.field("clientId", q.text(i + 17));
}

QString outputColumns(const Database &d)
{
    return QStringLiteral("o2.id, o2.generation_id, o2.session_id, o2.file_type, o2.width, o2.height, o2.is_starred, %1, o2.rev")
        .arg(d.timeColumn(QStringLiteral("o2.created_at")));
}

void outputFields(JsonWriter &w, const SqlQuery &q, int offset)
{
    const int i = offset;
    const QString id = q.text(i);
    w.field("id", id).field("generationId", q.text(i + 1)).field("sessionId", q.text(i + 2)).field("fileType", q.text(i + 3));
    nullableIntField(w, "width", q, i + 4);
    nullableIntField(w, "height", q, i + 5);
    w.field("isStarred", q.boolean(i + 6));
    timeField(w, "createdAt", q, i + 7);
    w.field("thumbnailUrl", thumbnailUrl(id)).field("url", fileUrl(id)).field("rev", q.int64(i + 8));
}

} // namespace vesper::backend::rowcodec
