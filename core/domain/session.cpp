#include "domain/session.h"
#include "domain/jsonreader.h"
#include "domain/wiretime.h"

namespace vesper {

std::optional<Session> Session::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Session s;
    s.id = r.string("id");
    s.projectId = r.string("projectId");
    s.creatorId = r.string("creatorId");
    s.name = r.string("name");
    const QString type = r.string("type");
    if (r.ok()) {
        if (const auto known = sessionTypeFromName(type))
            s.type = *known;
        else
            r.fail("type", QStringLiteral("unknown session type \"%1\"").arg(type));
    }
    s.isPrivate = r.boolean("isPrivate");
    s.createdAt = r.time("createdAt");
    s.updatedAt = r.time("updatedAt");
    s.rev = r.optionalInteger("rev");
    if (!r.finish(error))
        return std::nullopt;
    return s;
}

QJsonObject Session::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("projectId"), projectId},
                     {QStringLiteral("creatorId"), creatorId},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("type"), sessionTypeName(type)},
                     {QStringLiteral("isPrivate"), isPrivate},
                     {QStringLiteral("createdAt"), timeValue(createdAt)},
                     {QStringLiteral("updatedAt"), timeValue(updatedAt)}};
    if (rev)
        json.insert(QStringLiteral("rev"), *rev);
    return json;
}

} // namespace vesper
