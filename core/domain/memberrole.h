#pragma once
// A caller's role in a project: the owner, or a member who may edit or only view.
#include <QString>
#include <optional>

namespace vesper {

enum class MemberRole {
    Owner,  // owner: the project's creator; never listed among its members
    Editor, // editor
    Viewer, // viewer
};

/// "owner", "editor", "viewer" as on the wire.
QString memberRoleName(MemberRole role);
/// The role for a wire name; nullopt for a name this build does not know.
std::optional<MemberRole> memberRoleFromName(const QString &name);

} // namespace vesper
