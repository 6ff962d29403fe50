#include "domain/project.h"
#include "domain/jsonreader.h"
#include "domain/wiretime.h"

#include <QJsonArray>

namespace vesper {

std::optional<Project> Project::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Project p;
    p.id = r.string("id");
    p.name = r.string("name");
    p.description = r.string("description");
    const QString ownerId = r.string("ownerId");
    p.isShared = r.boolean("isShared");
    p.createdAt = r.time("createdAt");
    p.updatedAt = r.time("updatedAt");
    p.owner = r.nested<ProjectOwner>("owner");
    if (r.ok() && p.owner.id != ownerId)
        r.fail("ownerId", QStringLiteral("does not match owner.id"));
    const QString role = r.string("role");
    if (r.ok()) {
        if (const auto known = memberRoleFromName(role))
            p.role = *known;
        else
            r.fail("role", QStringLiteral("unknown role \"%1\"").arg(role));
    }
    p.sessionCount = r.integer("sessionCount");
    p.thumbnailUrl = r.nullableString("thumbnailUrl");
    p.sessions = r.optionalList<Session>("sessions");
    p.rev = r.optionalInteger("rev");
    if (!r.finish(error))
        return std::nullopt;
    return p;
}

QJsonObject Project::toJson() const
{
    QJsonObject json{{QStringLiteral("id"), id},
                     {QStringLiteral("name"), name},
                     {QStringLiteral("description"), description},
                     {QStringLiteral("ownerId"), owner.id},
                     {QStringLiteral("isShared"), isShared},
                     {QStringLiteral("createdAt"), timeValue(createdAt)},
                     {QStringLiteral("updatedAt"), timeValue(updatedAt)},
                     {QStringLiteral("owner"), owner.toJson()},
                     {QStringLiteral("role"), memberRoleName(role)},
                     {QStringLiteral("sessionCount"), sessionCount},
                     {QStringLiteral("thumbnailUrl"), thumbnailUrl ? QJsonValue(*thumbnailUrl) : QJsonValue(QJsonValue::Null)}};
    if (sessions) {
        QJsonArray array;
        for (const Session &session : *sessions)
            array.append(session.toJson());
        json.insert(QStringLiteral("sessions"), array);
    }
    if (rev)
        json.insert(QStringLiteral("rev"), *rev);
    return json;
}

} // namespace vesper
