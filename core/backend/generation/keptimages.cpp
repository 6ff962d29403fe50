#include "backend/generation/keptimages.h"
#include "backend/storage/objectstore.h"
#include "common/logging.h"

#include <QRegularExpression>

namespace vesper::backend {

KeptImages::KeptImages(ObjectStore &store, QString userId, QString generationId)
    : m_store(store), m_userId(std::move(userId)), m_generationId(std::move(generationId))
{
}

QMap<int, GeneratedImage> KeptImages::load(int count)
{
    // Originals only: "3.png", "3.jpg", "3.webp"; thumbnails are "3.thumb.webp" and made again.
    static const QRegularExpression original(QStringLiteral("/(\\d{1,4})\\.(png|jpg|webp)$"));
    QMap<int, GeneratedImage> kept;
    for (const QString &key : m_store.generationKeys(m_userId, m_generationId)) {
        const QRegularExpressionMatch match = original.match(key);
        if (!match.hasMatch())
            continue;
        const int index = match.captured(1).toInt();
        const std::optional<QByteArray> bytes = m_store.get(key);
        GeneratedImage image;
        const bool usable = index < count && !kept.contains(index) && bytes && decodeProviderImage(*bytes, &image)
            && key == ObjectStore::originalKey(m_userId, m_generationId, index, image.mime);
        if (!usable) {
            qCWarning(lcProvider) << "generation" << m_generationId << "drops a stored original it cannot use:" << key;
            m_store.remove(key);
            continue;
        }
        image.index = index;
        kept.insert(index, image);
    }
    return kept;
}

bool KeptImages::keep(const GeneratedImage &image)
{
    QString error;
    if (m_store.put(ObjectStore::originalKey(m_userId, m_generationId, image.index, image.mime), image.bytes, &error))
        return true;
    qCWarning(lcProvider) << "generation" << m_generationId << "could not keep image" << image.index << error;
    return false;
}

QList<GeneratedImage> KeptImages::merge(QMap<int, GeneratedImage> kept, const QList<GeneratedImage> &fresh, int count)
{
    for (int i = 0; i < fresh.size(); ++i) {
        const int index = fresh.at(i).index >= 0 ? fresh.at(i).index : i;
        if (index >= count)
            continue;
        const auto previous = kept.constFind(index);
        if (previous != kept.constEnd() && previous->mime != fresh.at(i).mime)
            m_store.remove(ObjectStore::originalKey(m_userId, m_generationId, index, previous->mime));
        kept.insert(index, fresh.at(i));
        kept[index].index = index;
    }
    return kept.values(); // QMap iterates in key order
}

} // namespace vesper::backend
