#include "domain/member.h"
#include "domain/jsonreader.h"
#include "domain/wiretime.h"

namespace vesper {

std::optional<Member> Member::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Member m;
    m.userId = r.string("userId");
    m.email = r.string("email");
    m.displayName = r.string("displayName");
    const QString role = r.string("role");
    if (r.ok()) {
        if (const auto known = memberRoleFromName(role))
            m.role = *known;
        else
            r.fail("role", QStringLiteral("unknown role \"%1\"").arg(role));
    }
    m.joinedAt = r.time("joinedAt");
    if (!r.finish(error))
        return std::nullopt;
    return m;
}

QJsonObject Member::toJson() const
{
    return QJsonObject{{QStringLiteral("userId"), userId},
                       {QStringLiteral("email"), email},
                       {QStringLiteral("displayName"), displayName},
                       {QStringLiteral("role"), memberRoleName(role)},
                       {QStringLiteral("joinedAt"), timeValue(joinedAt)}};
}

} // namespace vesper
