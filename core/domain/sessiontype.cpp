#include "domain/sessiontype.h"

namespace vesper {

QString sessionTypeName(SessionType type)
{
    return type == SessionType::Video ? QStringLiteral("video") : QStringLiteral("image");
}

std::optional<SessionType> sessionTypeFromName(const QString &name)
{
    if (name == QLatin1String("image"))
        return SessionType::Image;
    if (name == QLatin1String("video"))
        return SessionType::Video;
    return std::nullopt;
}

} // namespace vesper
