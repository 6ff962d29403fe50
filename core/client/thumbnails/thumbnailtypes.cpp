#include "client/thumbnails/thumbnailtypes.h"

namespace vesper::client {

QString describeFetchError(const ThumbnailFetch &fetch)
{
    if (!fetch.message.isEmpty())
        return fetch.message;
    switch (fetch.error) {
    case ThumbnailFetch::Error::None: return QString();
    case ThumbnailFetch::Error::NotFound: return QStringLiteral("The server has no such picture.");
    case ThumbnailFetch::Error::Offline: return QStringLiteral("The server cannot be reached.");
    case ThumbnailFetch::Error::RateLimited: return QStringLiteral("The server asked to slow down (rate limited).");
    case ThumbnailFetch::Error::Http: return QStringLiteral("The server answered with HTTP status %1.").arg(fetch.status);
    case ThumbnailFetch::Error::Cancelled: return QStringLiteral("The download was cancelled.");
    }
    return QString();
}

} // namespace vesper::client
