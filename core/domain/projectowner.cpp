#include "domain/projectowner.h"
#include "domain/jsonreader.h"

namespace vesper {

std::optional<ProjectOwner> ProjectOwner::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    ProjectOwner o;
    o.id = r.string("id");
    o.displayName = r.string("displayName");
    o.username = r.nullableString("username");
    if (!r.finish(error))
        return std::nullopt;
    return o;
}

QJsonObject ProjectOwner::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("displayName"), displayName},
                       {QStringLiteral("username"), username ? QJsonValue(*username) : QJsonValue(QJsonValue::Null)}};
}

} // namespace vesper
