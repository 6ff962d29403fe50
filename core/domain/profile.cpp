#include "domain/profile.h"
#include "domain/jsonreader.h"

namespace vesper {

std::optional<Profile> Profile::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Profile p;
    p.id = r.string("id");
    p.email = r.string("email");
    p.displayName = r.string("displayName");
    p.credits = r.integer("credits");
    if (!r.finish(error))
        return std::nullopt;
    return p;
}

QJsonObject Profile::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("email"), email},
                       {QStringLiteral("displayName"), displayName},
                       {QStringLiteral("credits"), credits}};
}

} // namespace vesper
