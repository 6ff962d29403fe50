#pragma once
// Thumbnails for the views (DESIGN §6): a memory tier of decoded pictures (costed in bytes), an
// optional disk tier (content-addressed, bounded, least recently used out; off for the embedded
// backend, whose files are on this disk already), decoding on a thread pool, newest requests first,
// requests that scrolled away dropped before they start, failures reported once and backed off, and
// prefetch jobs for "make this project available offline". Bytes come from an injected blocking fetch.
#include "client/thumbnails/thumbnailprefetchjob.h"
#include "client/thumbnails/thumbnailtypes.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QThreadPool>
#include <memory>

namespace vesper::client {

class DiskThumbnailStore;
class MemoryThumbnailCache;
class ThumbnailLoader;
class ThumbnailRequestQueue;

struct ThumbnailCacheOptions {
    QString diskDir;                          // empty: no disk tier
    qint64 diskBudgetBytes = 2LL << 30;       // 2 GiB
    // 128 decoded 512-pixel thumbnails (1 MiB each): five screens of cards, scrolling back is a
    // memory hit. At 256 MiB the gallery would pass its 400 MB budget at 100k generations (README,
    // Measured: 390 MB after a full scroll, 128 MB of it this tier).
    qint64 memoryBudgetBytes = 128LL << 20;   // 128 MiB
    int maxConcurrentLoads = 4;               // on-screen loads (disk read, fetch, decode) at once
    int prefetchParallelism = 6;              // downloads at once per prefetch job
    /// An open disk tier to use instead of opening diskDir (the Workspace's, which tombstones
    /// reach whether or not this cache was made).
    std::shared_ptr<DiskThumbnailStore> diskStore = nullptr;
};

class ThumbnailCache : public QObject {
    Q_OBJECT
public:
    static inline const QString Thumb = QStringLiteral("thumb");

    /// fetch is called on pool threads; a disk folder that cannot be used leaves the disk tier off
    /// (diskError() says why).
    explicit ThumbnailCache(ThumbnailFetchFunction fetch, const ThumbnailCacheOptions &options = {},
                            QObject *parent = nullptr);
    /// Drops waiting requests and waits for the loads under way.
    ~ThumbnailCache() override;

    /// The decoded picture from memory, or a null image: no I/O, for paint code on the GUI thread.
    QImage cached(const QString &outputId, const QString &variant = Thumb) const;
    /// Loads the picture off this thread: thumbnailReady or thumbnailFailed follows, once per
    /// request, unless the request is dropped first. A request already loading is not repeated.
    void request(const QString &outputId, const QString &variant = Thumb);
    /// Drops waiting requests for outputs not in outputIds (what is on screen now).
    void setWanted(const QSet<QString> &outputIds);
    /// Drops waiting requests for these outputs.
    void cancelPending(const QSet<QString> &outputIds);
    /// Forgets these outputs in memory and on disk (tombstones from the sync engine).
    void remove(const QSet<QString> &outputIds);
    /// A job that downloads these outputs' pictures to disk without decoding; start() it. The cache
    /// owns it (deleteLater() it when done).
    ThumbnailPrefetchJob *prefetch(const QStringList &outputIds, const QString &variant = Thumb);
    /// The same over explicit keys (any mix of variants), fetched in the order given.
    ThumbnailPrefetchJob *prefetch(QList<ThumbnailKey> keys);

    bool hasDiskTier() const { return m_disk != nullptr; }
    QString diskError() const { return m_diskError; }
    qint64 memoryBytes() const;
    qint64 diskBytes() const;
    int pendingCount() const;
    int inFlightCount() const;
    /// The disk tier (null when off), for tests and diagnostics.
    DiskThumbnailStore *diskStore() const { return m_disk.get(); }

Q_SIGNALS:
    void thumbnailReady(const QString &outputId, const QString &variant, const QImage &image);
    void thumbnailFailed(const QString &outputId, const QString &variant, const QString &reason);

private:
    struct Failure {
        QDeadlineTimer retryAt;
        int attempts = 0;
        QString reason;
    };
    void pump();
    void finished(const ThumbnailKey &key, const QImage &image, const QString &error, int fetchError, int retryAfterSeconds);

    std::shared_ptr<DiskThumbnailStore> m_disk;
    std::shared_ptr<const ThumbnailLoader> m_loader;
    std::unique_ptr<MemoryThumbnailCache> m_memory;
    std::unique_ptr<ThumbnailRequestQueue> m_queue;
    QHash<ThumbnailKey, Failure> m_failures;
    QSet<ThumbnailKey> m_removedInFlight; // tombstoned while loading: the result is thrown away
    QString m_diskError;
    int m_maxConcurrent;
    int m_prefetchParallelism;
    QThreadPool m_pool;
};

} // namespace vesper::client
