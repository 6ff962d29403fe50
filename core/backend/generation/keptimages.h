#pragma once
// Images that outlive a failed attempt. A provider that makes a generation's images one call at a
// time (Gemini) hands each over as it arrives; it is stored at once as that output's original, under
// the key the finished generation will use. When the attempt then fails with a transient error (or
// the process dies), the next attempt loads what is there and asks the provider only for the rest,
// so no image is paid for twice. Cancel, final failure and delete remove them with the generation.
#include "backend/providers/provider.h"

#include <QList>
#include <QMap>
#include <QString>

namespace vesper::backend {

class ObjectStore;

/// The stored originals of one running generation.
class KeptImages {
public:
    KeptImages(ObjectStore &store, QString userId, QString generationId);

    /// The originals stored by earlier attempts for outputs below count, decoded and checked; a
    /// file that does not decode (or a second file for one output) is removed and not counted.
    QMap<int, GeneratedImage> load(int count);
    /// Stores image (its index set) as its output's original now; false, logged, when the store
    /// fails — the image is still in the provider's result, only the safety net is missing.
    bool keep(const GeneratedImage &image);

    /// This attempt's images by their index, over the kept ones, below count, in index order. A kept
    /// original replaced by an image of another type is removed, so no output leaves a second file.
    QList<GeneratedImage> merge(QMap<int, GeneratedImage> kept, const QList<GeneratedImage> &fresh, int count);

private:
    ObjectStore &m_store;
    QString m_userId;
    QString m_generationId;
};

} // namespace vesper::backend
