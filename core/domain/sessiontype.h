#pragma once
// What a session makes: still images or video.
#include <QString>
#include <optional>

namespace vesper {

enum class SessionType {
    Image, // image
    Video, // video
};

/// "image", "video" as on the wire.
QString sessionTypeName(SessionType type);
/// The type for a wire name; nullopt for a name this build does not know.
std::optional<SessionType> sessionTypeFromName(const QString &name);

} // namespace vesper
