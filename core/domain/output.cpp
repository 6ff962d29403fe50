#include "domain/output.h"
#include "domain/jsonreader.h"
#include "domain/wiretime.h"

namespace vesper {
namespace {
QJsonValue nullableNumber(const std::optional<qint64> &number)
{
    return number ? QJsonValue(*number) : QJsonValue(QJsonValue::Null);
}
} // namespace

std::optional<Output> Output::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Output o;
    o.id = r.string("id");
    o.generationId = r.string("generationId");
    o.sessionId = r.string("sessionId");
    o.fileType = r.string("fileType");
    o.width = r.nullableInteger("width");
    o.height = r.nullableInteger("height");
    o.isStarred = r.boolean("isStarred");
    o.createdAt = r.time("createdAt");
    o.thumbnailUrl = r.string("thumbnailUrl");
    o.url = r.string("url");
    o.rev = r.optionalInteger("rev");
    if (!r.finish(error))
        return std::nullopt;
    return o;
}

QJsonObject Output::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("generationId"), generationId},
                     {QStringLiteral("sessionId"), sessionId},
                     {QStringLiteral("fileType"), fileType},
                     {QStringLiteral("width"), nullableNumber(width)},
                     {QStringLiteral("height"), nullableNumber(height)},
                     {QStringLiteral("isStarred"), isStarred},
                     {QStringLiteral("createdAt"), timeValue(createdAt)},
                     {QStringLiteral("thumbnailUrl"), thumbnailUrl},
                     {QStringLiteral("url"), url}};
    if (rev)
        json.insert(QStringLiteral("rev"), *rev);
    return json;
}

} // namespace vesper
