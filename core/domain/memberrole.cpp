#include "domain/memberrole.h"

#include <array>
#include <utility>

namespace vesper {
namespace {
constexpr std::array<std::pair<MemberRole, const char *>, 3> kNames{{
    {MemberRole::Owner, "owner"},
    {MemberRole::Editor, "editor"},
    {MemberRole::Viewer, "viewer"},
}};
} // namespace

QString memberRoleName(MemberRole role)
{
    for (const auto &[value, name] : kNames) {
        if (value == role)
            return QLatin1String(name);
    }
    return QStringLiteral("viewer");
}

std::optional<MemberRole> memberRoleFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace vesper
