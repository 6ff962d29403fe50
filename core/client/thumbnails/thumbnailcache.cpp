#include "client/thumbnails/thumbnailcache.h"

#include "client/clientlogging.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/memorythumbnailcache.h"
#include "client/thumbnails/thumbnailloader.h"
#include "client/thumbnails/thumbnailrequestqueue.h"

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

namespace vesper::client {

namespace {

/// How long a failed key waits before it is fetched again: long for a missing picture, growing for
/// the rest, never shorter than the server's Retry-After.
qint64 backoffMs(ThumbnailFetch::Error error, int attempts, int retryAfterSeconds)
{
    qint64 ms = error == ThumbnailFetch::Error::NotFound ? 10 * 60 * 1000
                                                         : qMin<qint64>(300000, 1000LL << qMin(attempts, 9));
    return qMax<qint64>(ms, 1000LL * retryAfterSeconds);
}

/// Loads run a little behind the GUI thread (nice +5, once per pool thread, Linux): decoding 512-pixel
/// WebP on four threads took the cores a scrolling gallery's frames needed (its frames waited for a
/// core, not for work). They still get most of an idle machine.
void yieldToGuiThread()
{
#ifdef Q_OS_LINUX
    thread_local bool lowered = false;
    if (!lowered) {
        lowered = true;
        setpriority(PRIO_PROCESS, id_t(::gettid()), 5);
    }
#endif
}

} // namespace

ThumbnailCache::ThumbnailCache(ThumbnailFetchFunction fetch, const ThumbnailCacheOptions &options, QObject *parent)
    : QObject(parent),
      m_memory(std::make_unique<MemoryThumbnailCache>(options.memoryBudgetBytes)),
      m_queue(std::make_unique<ThumbnailRequestQueue>()),
      m_maxConcurrent(qMax(1, options.maxConcurrentLoads)),
      m_prefetchParallelism(qMax(1, options.prefetchParallelism))
{
    if (options.diskStore) {
        m_disk = options.diskStore;
    } else if (!options.diskDir.isEmpty()) {
        auto disk = std::make_shared<DiskThumbnailStore>(options.diskDir, options.diskBudgetBytes);
        if (disk->open(&m_diskError))
            m_disk = std::move(disk);
        else
            qCWarning(lcClientThumbs).noquote() << m_diskError << "Thumbnails are kept in memory only.";
    }
    m_loader = std::make_shared<ThumbnailLoader>(std::move(fetch), m_disk);
    m_pool.setMaxThreadCount(m_maxConcurrent);
}

ThumbnailCache::~ThumbnailCache()
{
    m_queue->keepOnly({});
    m_pool.waitForDone();
}

QImage ThumbnailCache::cached(const QString &outputId, const QString &variant) const
{
    return m_memory->find(ThumbnailKey{outputId, variant});
}

void ThumbnailCache::request(const QString &outputId, const QString &variant)
{
    const ThumbnailKey key{outputId, variant};
    const QImage image = m_memory->find(key);
    if (!image.isNull()) {
        QMetaObject::invokeMethod(this, [this, key, image] { Q_EMIT thumbnailReady(key.outputId, key.variant, image); },
                                  Qt::QueuedConnection);
        return;
    }
    auto failure = m_failures.constFind(key);
    if (failure != m_failures.cend() && !failure->retryAt.hasExpired()) {
        // Failed recently: answered again without another fetch, so a repainting view cannot spin.
        const QString reason = failure->reason;
        QMetaObject::invokeMethod(this, [this, key, reason] { Q_EMIT thumbnailFailed(key.outputId, key.variant, reason); },
                                  Qt::QueuedConnection);
        return;
    }
    m_removedInFlight.remove(key);
    if (m_queue->push(key))
        pump();
}

void ThumbnailCache::pump()
{
    while (m_queue->inFlightCount() < m_maxConcurrent) {
        const std::optional<ThumbnailKey> next = m_queue->takeNewest();
        if (!next)
            return;
        const ThumbnailKey key = *next;
        std::shared_ptr<const ThumbnailLoader> loader = m_loader;
        m_pool.start([this, key, loader] {
            yieldToGuiThread();
            const ThumbnailLoad load = loader->load(key);
            QMetaObject::invokeMethod(this, [this, key, load] {
                finished(key, load.image, load.error, int(load.fetchError), load.retryAfterSeconds);
            }, Qt::QueuedConnection);
        });
    }
}

void ThumbnailCache::finished(const ThumbnailKey &key, const QImage &image, const QString &error, int fetchError,
                              int retryAfterSeconds)
{
    m_queue->finish(key);
    if (m_removedInFlight.remove(key)) {
        if (m_disk)
            m_disk->removeOutputs({key.outputId}); // stored by the load that was under way
    } else if (!image.isNull()) {
        m_failures.remove(key);
        m_memory->insert(key, image);
        Q_EMIT thumbnailReady(key.outputId, key.variant, image);
    } else {
        Failure &failure = m_failures[key];
        ++failure.attempts;
        failure.reason = error;
        failure.retryAt.setRemainingTime(backoffMs(ThumbnailFetch::Error(fetchError), failure.attempts, retryAfterSeconds));
        qCDebug(lcClientThumbs).noquote() << "thumbnail" << key.outputId << key.variant << "failed:" << error;
        Q_EMIT thumbnailFailed(key.outputId, key.variant, error);
    }
    pump();
}

void ThumbnailCache::setWanted(const QSet<QString> &outputIds)
{
    const int dropped = m_queue->keepOnly(outputIds);
    if (dropped)
        qCDebug(lcClientThumbs) << "dropped" << dropped << "thumbnail requests that scrolled away";
}

void ThumbnailCache::cancelPending(const QSet<QString> &outputIds)
{
    m_queue->drop(outputIds);
}

void ThumbnailCache::remove(const QSet<QString> &outputIds)
{
    if (outputIds.isEmpty())
        return;
    m_queue->drop(outputIds);
    m_memory->removeOutputs(outputIds);
    for (auto it = m_failures.begin(); it != m_failures.end();)
        it = outputIds.contains(it.key().outputId) ? m_failures.erase(it) : std::next(it);
    for (const QString &variant : {Thumb, QStringLiteral("full")}) {
        for (const QString &id : outputIds) {
            if (m_queue->isInFlight(ThumbnailKey{id, variant}))
                m_removedInFlight.insert(ThumbnailKey{id, variant});
        }
    }
    if (m_disk)
        m_disk->removeOutputs(outputIds);
}

ThumbnailPrefetchJob *ThumbnailCache::prefetch(const QStringList &outputIds, const QString &variant)
{
    QList<ThumbnailKey> keys;
    keys.reserve(outputIds.size());
    QSet<QString> seen;
    for (const QString &id : outputIds) {
        if (!seen.contains(id)) {
            seen.insert(id);
            keys.append(ThumbnailKey{id, variant});
        }
    }
    return prefetch(std::move(keys));
}

ThumbnailPrefetchJob *ThumbnailCache::prefetch(QList<ThumbnailKey> keys)
{
    return new ThumbnailPrefetchJob(m_loader, std::move(keys), m_prefetchParallelism, this);
}

qint64 ThumbnailCache::memoryBytes() const
{
    return m_memory->totalBytes();
}

qint64 ThumbnailCache::diskBytes() const
{
    return m_disk ? m_disk->totalBytes() : 0;
}

int ThumbnailCache::pendingCount() const
{
    return m_queue->pendingCount();
}

int ThumbnailCache::inFlightCount() const
{
    return m_queue->inFlightCount();
}

} // namespace vesper::client
