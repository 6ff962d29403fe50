#include "backend/repositories/rowcodec.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "common/clock.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::backend::rowcodec {
namespace {
QJsonValue timeValue(const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(formatTime(v.toLongLong()));
}

QJsonValue nullableText(const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toString());
}

QJsonValue nullableInt(const SqlQuery &q, int index)
{
    const QVariant v = q.value(index);
    return v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(v.toLongLong());
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
                          "st.sessions_all, st.sessions_shared, st.latest_output_all, st.latest_output_shared")
        .arg(d.timeColumn(QStringLiteral("p.created_at")), d.timeColumn(QStringLiteral("p.updated_at")));
}

QString projectJoins()
{
    return QStringLiteral(" JOIN profiles o ON o.id = p.owner_id LEFT JOIN project_stats st ON st.project_id = p.id ");
}

QJsonObject project(const SqlQuery &q, int offset, const QString &role)
{
    const int i = offset;
    const QString ownerId = q.text(i + 3);
    // Members count and see only sessions that are not private (DESIGN §3): their figures come
    // from the "shared" half of the read model.
    const bool owner = role == QLatin1String("owner");
    const qint64 sessionCount = q.int64(owner ? i + 9 : i + 10);
    const QVariant latest = q.value(owner ? i + 11 : i + 12);
    return QJsonObject{
        {QStringLiteral("id"), q.text(i)},
        {QStringLiteral("name"), q.text(i + 1)},
        {QStringLiteral("description"), q.text(i + 2)},
        {QStringLiteral("ownerId"), ownerId},
        {QStringLiteral("isShared"), q.boolean(i + 4)},
        {QStringLiteral("createdAt"), timeValue(q, i + 5)},
        {QStringLiteral("updatedAt"), timeValue(q, i + 6)},
        {QStringLiteral("owner"), QJsonObject{{QStringLiteral("id"), ownerId},
                                              {QStringLiteral("displayName"), q.text(i + 7)},
                                              {QStringLiteral("username"), nullableText(q, i + 8)}}},
        {QStringLiteral("role"), role},
        {QStringLiteral("sessionCount"), sessionCount},
        {QStringLiteral("thumbnailUrl"), latest.isNull() || latest.toString().isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                         : QJsonValue(thumbnailUrl(latest.toString()))},
    };
}

QString sessionColumns(const Database &d)
{
    return QStringLiteral("s.id, s.project_id, s.creator_id, s.name, s.type, s.is_private, %1, %2")
        .arg(d.timeColumn(QStringLiteral("s.created_at")), d.timeColumn(QStringLiteral("s.updated_at")));
}

QJsonObject session(const SqlQuery &q, int offset)
{
    const int i = offset;
    return QJsonObject{
        {QStringLiteral("id"), q.text(i)},
        {QStringLiteral("projectId"), q.text(i + 1)},
        {QStringLiteral("creatorId"), q.text(i + 2)},
        {QStringLiteral("name"), q.text(i + 3)},
        {QStringLiteral("type"), q.text(i + 4)},
        {QStringLiteral("isPrivate"), q.boolean(i + 5)},
        {QStringLiteral("createdAt"), timeValue(q, i + 6)},
        {QStringLiteral("updatedAt"), timeValue(q, i + 7)},
    };
}

QString generationColumns(const Database &d)
{
    return QStringLiteral("g.id, g.session_id, g.user_id, g.model_id, g.prompt, g.negative_prompt, g.parameters, g.status, "
                          "g.progress, g.progress_is_estimate, g.error_code, g.error_message, g.cost, %1, %2, %3")
        .arg(d.timeColumn(QStringLiteral("g.created_at")), d.timeColumn(QStringLiteral("g.started_at")),
             d.timeColumn(QStringLiteral("g.finished_at")));
}

QJsonObject generation(const SqlQuery &q, int offset)
{
    const int i = offset;
    const QVariant errorCode = q.value(i + 10);
    QJsonValue error(QJsonValue::Null);
    if (!errorCode.isNull())
        error = QJsonObject{{QStringLiteral("code"), errorCode.toString()}, {QStringLiteral("message"), q.text(i + 11)}};
    return QJsonObject{
        {QStringLiteral("id"), q.text(i)},
        {QStringLiteral("sessionId"), q.text(i + 1)},
        {QStringLiteral("userId"), q.text(i + 2)},
        {QStringLiteral("modelId"), q.text(i + 3)},
        {QStringLiteral("prompt"), q.text(i + 4)},
        {QStringLiteral("negativePrompt"), q.text(i + 5)},
        {QStringLiteral("parameters"), QJsonDocument::fromJson(q.text(i + 6).toUtf8()).object()},
        {QStringLiteral("status"), q.text(i + 7)},
        {QStringLiteral("progress"), q.int64(i + 8)},
        {QStringLiteral("progressIsEstimate"), q.boolean(i + 9)},
        {QStringLiteral("error"), error},
        {QStringLiteral("cost"), q.int64(i + 12)},
        {QStringLiteral("createdAt"), timeValue(q, i + 13)},
        {QStringLiteral("startedAt"), timeValue(q, i + 14)},
        {QStringLiteral("finishedAt"), timeValue(q, i + 15)},
    };
}

QString outputColumns(const Database &d)
{
    return QStringLiteral("o2.id, o2.generation_id, o2.session_id, o2.file_type, o2.width, o2.height, o2.is_starred, %1")
        .arg(d.timeColumn(QStringLiteral("o2.created_at")));
}

QJsonObject output(const SqlQuery &q, int offset)
{
    const int i = offset;
    const QString id = q.text(i);
    return QJsonObject{
        {QStringLiteral("id"), id},
        {QStringLiteral("generationId"), q.text(i + 1)},
        {QStringLiteral("sessionId"), q.text(i + 2)},
        {QStringLiteral("fileType"), q.text(i + 3)},
        {QStringLiteral("width"), nullableInt(q, i + 4)},
        {QStringLiteral("height"), nullableInt(q, i + 5)},
        {QStringLiteral("isStarred"), q.boolean(i + 6)},
        {QStringLiteral("createdAt"), timeValue(q, i + 7)},
        {QStringLiteral("thumbnailUrl"), thumbnailUrl(id)},
        {QStringLiteral("url"), fileUrl(id)},
    };
}

} // namespace vesper::backend::rowcodec
