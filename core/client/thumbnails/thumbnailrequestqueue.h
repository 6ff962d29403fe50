#pragma once
// The bookkeeping of on-screen thumbnail requests: what waits (newest first, since that is what the
// view shows now), what is being loaded (so a second request for it adds nothing), and dropping what
// scrolled away before a worker ever picks it up. Plain data, used on the cache's thread only.
#include "client/thumbnails/thumbnailtypes.h"

#include <QList>
#include <QSet>
#include <optional>

namespace vesper::client {

class ThumbnailRequestQueue {
public:
    /// Queues key as the newest request (moving it up when already waiting); false when it is being
    /// loaded already, so nothing was queued.
    bool push(const ThumbnailKey &key);
    /// The newest waiting request, now counted as in flight; nullopt when nothing waits.
    std::optional<ThumbnailKey> takeNewest();
    /// Key's load has ended.
    void finish(const ThumbnailKey &key) { m_inFlight.remove(key); }
    /// Drops waiting requests whose output is not in wanted; how many went.
    int keepOnly(const QSet<QString> &wanted);
    /// Drops waiting requests of these outputs; how many went.
    int drop(const QSet<QString> &outputIds);

    bool isInFlight(const ThumbnailKey &key) const { return m_inFlight.contains(key); }
    int pendingCount() const { return int(m_pending.size()); }
    int inFlightCount() const { return int(m_inFlight.size()); }

private:
    QList<ThumbnailKey> m_pending; // oldest first, newest last
    QSet<ThumbnailKey> m_inFlight;
};

} // namespace vesper::client
