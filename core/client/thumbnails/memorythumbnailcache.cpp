#include "client/thumbnails/memorythumbnailcache.h"

namespace vesper::client {

MemoryThumbnailCache::MemoryThumbnailCache(qint64 budgetBytes)
    : m_cache(qsizetype(budgetBytes))
{
}

QImage MemoryThumbnailCache::find(const ThumbnailKey &key) const
{
    const QImage *image = m_cache.object(key);
    return image ? *image : QImage();
}

void MemoryThumbnailCache::insert(const ThumbnailKey &key, const QImage &image)
{
    if (image.isNull())
        return;
    m_cache.insert(key, new QImage(image), qsizetype(qMax<qint64>(1, image.sizeInBytes())));
}

void MemoryThumbnailCache::removeOutputs(const QSet<QString> &outputIds)
{
    const QList<ThumbnailKey> keys = m_cache.keys();
    for (const ThumbnailKey &key : keys) {
        if (outputIds.contains(key.outputId))
            m_cache.remove(key);
    }
}

} // namespace vesper::client
