#include "client/thumbnails/thumbnailloader.h"

#include "client/clientlogging.h"
#include "client/thumbnails/diskthumbnailstore.h"

#include <QBuffer>
#include <QImageReader>

namespace vesper::client {

ThumbnailLoader::ThumbnailLoader(ThumbnailFetchFunction fetch, std::shared_ptr<DiskThumbnailStore> disk)
    : m_fetch(std::move(fetch)), m_disk(std::move(disk))
{
}

QImage ThumbnailLoader::decode(const QByteArray &bytes, QString *error)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    const QImage image = reader.read();
    if (image.isNull() && error)
        *error = QStringLiteral("The picture's bytes are not a readable image (%1).").arg(reader.errorString());
    return image;
}

ThumbnailFetch ThumbnailLoader::fetch(const ThumbnailKey &key) const
{
    ThumbnailFetch result = m_fetch ? m_fetch(key.outputId, key.variant) : ThumbnailFetch{};
    if (!m_fetch) {
        result.error = ThumbnailFetch::Error::Offline;
        result.message = QStringLiteral("No way to fetch thumbnails is set up.");
    }
    if (result.ok() && m_disk) {
        QString error;
        if (!m_disk->put(key, result.bytes, &error))
            qCWarning(lcClientThumbs).noquote() << error;
    }
    return result;
}

ThumbnailLoad ThumbnailLoader::load(const ThumbnailKey &key) const
{
    ThumbnailLoad load;
    if (m_disk) {
        QString problem;
        if (const std::optional<QByteArray> bytes = m_disk->read(key, &problem)) {
            load.image = decode(*bytes, &problem);
            if (load.ok()) {
                load.fromDisk = true;
                return load;
            }
            qCWarning(lcClientThumbs).noquote() << "a cached thumbnail does not decode, fetching it again:" << problem;
            m_disk->remove(key);
        }
    }
    load.fetched = true;
    const ThumbnailFetch fetched = m_fetch ? m_fetch(key.outputId, key.variant)
                                           : ThumbnailFetch{{}, {}, ThumbnailFetch::Error::Offline, 0, 0,
                                                            QStringLiteral("No way to fetch thumbnails is set up.")};
    if (!fetched.ok()) {
        load.fetchError = fetched.error;
        load.retryAfterSeconds = fetched.retryAfterSeconds;
        load.error = describeFetchError(fetched);
        return load;
    }
    load.image = decode(fetched.bytes, &load.error);
    if (load.ok() && m_disk) { // only bytes that decode are kept
        QString error;
        if (!m_disk->put(key, fetched.bytes, &error))
            qCWarning(lcClientThumbs).noquote() << error;
    }
    return load;
}

} // namespace vesper::client
