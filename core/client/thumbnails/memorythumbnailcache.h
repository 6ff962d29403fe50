#pragma once
// The memory tier of the thumbnail cache: decoded pictures in a QCache costed in bytes, so the
// budget means megabytes whatever the thumbnail sizes. Used only on the cache's own (GUI) thread,
// so a lookup is a hash probe with no lock and no I/O.
#include "client/thumbnails/thumbnailtypes.h"

#include <QCache>
#include <QImage>
#include <QSet>

namespace vesper::client {

class MemoryThumbnailCache {
public:
    explicit MemoryThumbnailCache(qint64 budgetBytes);

    /// The decoded picture, or a null image; marks it recently used.
    QImage find(const ThumbnailKey &key) const;
    bool contains(const ThumbnailKey &key) const { return m_cache.contains(key); }
    /// Keeps image, costed at its size in bytes; one larger than the whole budget is not kept.
    void insert(const ThumbnailKey &key, const QImage &image);
    /// Drops every variant of these outputs.
    void removeOutputs(const QSet<QString> &outputIds);
    /// Bytes of the pictures held now.
    qint64 totalBytes() const { return m_cache.totalCost(); }
    qint64 budgetBytes() const { return m_cache.maxCost(); }

private:
    QCache<ThumbnailKey, QImage> m_cache;
};

} // namespace vesper::client
