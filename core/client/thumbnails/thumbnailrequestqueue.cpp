#include "client/thumbnails/thumbnailrequestqueue.h"

namespace vesper::client {

bool ThumbnailRequestQueue::push(const ThumbnailKey &key)
{
    if (m_inFlight.contains(key))
        return false;
    m_pending.removeOne(key); // a visible view has few waiting requests; a linear scan is enough
    m_pending.append(key);
    return true;
}

std::optional<ThumbnailKey> ThumbnailRequestQueue::takeNewest()
{
    if (m_pending.isEmpty())
        return std::nullopt;
    ThumbnailKey key = m_pending.takeLast();
    m_inFlight.insert(key);
    return key;
}

int ThumbnailRequestQueue::keepOnly(const QSet<QString> &wanted)
{
    return int(m_pending.removeIf([&wanted](const ThumbnailKey &key) { return !wanted.contains(key.outputId); }));
}

int ThumbnailRequestQueue::drop(const QSet<QString> &outputIds)
{
    return int(m_pending.removeIf([&outputIds](const ThumbnailKey &key) { return outputIds.contains(key.outputId); }));
}

} // namespace vesper::client
