#pragma once
// The blocking path from a key to a decoded picture, run on pool threads: the disk tier first (bytes
// checked against their hash), then the injected fetch function, then QImageReader. Bytes that do
// not decode are never kept on disk, and a cached file that no longer decodes is dropped and fetched
// again, so one damaged file costs one download, not a permanently broken thumbnail.
#include "client/thumbnails/thumbnailtypes.h"

#include <QImage>
#include <memory>

namespace vesper::client {

class DiskThumbnailStore;

/// What one load produced: a picture, or why there is none.
struct ThumbnailLoad {
    QImage image;
    QString error;                                         // one sentence; empty on success
    ThumbnailFetch::Error fetchError = ThumbnailFetch::Error::None; // None when the fetch was not the problem
    int retryAfterSeconds = 0;
    bool fromDisk = false;
    bool fetched = false;                                  // the fetch function was called

    bool ok() const { return !image.isNull(); }
};

class ThumbnailLoader {
public:
    /// disk may be null (no disk tier); shared, so a prefetch job may outlive the cache.
    ThumbnailLoader(ThumbnailFetchFunction fetch, std::shared_ptr<DiskThumbnailStore> disk);

    /// Blocking, any thread: the picture from disk, or fetched (and then stored on disk).
    ThumbnailLoad load(const ThumbnailKey &key) const;
    /// Blocking, any thread: only the bytes, stored on disk without decoding (prefetch).
    ThumbnailFetch fetch(const ThumbnailKey &key) const;
    DiskThumbnailStore *disk() const { return m_disk.get(); }

    /// Decodes encoded picture bytes (PNG, JPEG, WebP, ...); a null image with a reason otherwise.
    static QImage decode(const QByteArray &bytes, QString *error);

private:
    ThumbnailFetchFunction m_fetch;
    std::shared_ptr<DiskThumbnailStore> m_disk;
};

} // namespace vesper::client
