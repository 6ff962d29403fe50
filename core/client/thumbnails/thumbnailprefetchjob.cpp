#include "client/thumbnails/thumbnailprefetchjob.h"

#include "client/clientlogging.h"
#include "client/thumbnails/diskthumbnailstore.h"
#include "client/thumbnails/thumbnailloader.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QMutexLocker>
#include <QThread>

namespace vesper::client {

namespace {

qint64 nowMs()
{
    static QElapsedTimer clock = [] { QElapsedTimer t; t.start(); return t; }();
    return clock.elapsed();
}

} // namespace

ThumbnailPrefetchJob::ThumbnailPrefetchJob(std::shared_ptr<const ThumbnailLoader> loader, QList<ThumbnailKey> keys,
                                           int parallelism, QObject *parent)
    : QObject(parent), m_loader(std::move(loader)), m_keys(std::move(keys)), m_parallelism(qMax(1, parallelism))
{
    m_pool.setMaxThreadCount(m_parallelism);
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &ThumbnailPrefetchJob::reportProgress);
}

ThumbnailPrefetchJob::~ThumbnailPrefetchJob()
{
    m_cancelled = true;
    m_pool.waitForDone();
}

void ThumbnailPrefetchJob::start()
{
    if (m_running)
        return;
    m_running = true;
    Q_EMIT started();
    const int workers = qMin<int>(m_parallelism, int(m_keys.size()));
    if (workers == 0 || !m_loader->disk()) {
        // Nothing to do, or no disk tier (the embedded backend): the files are local already.
        m_skipped = int(m_keys.size());
        m_done = int(m_keys.size());
        QMetaObject::invokeMethod(this, &ThumbnailPrefetchJob::finish, Qt::QueuedConnection);
        return;
    }
    m_workers = workers;
    for (int i = 0; i < workers; ++i)
        m_pool.start([this] { work(); });
    m_progressTimer.start();
}

void ThumbnailPrefetchJob::cancel()
{
    m_cancelled = true;
}

bool ThumbnailPrefetchJob::waitWhilePaused()
{
    while (!m_cancelled && !m_offline) {
        const qint64 wait = m_pausedUntilMs - nowMs();
        if (wait <= 0)
            return true;
        QThread::msleep(quint64(qMin<qint64>(wait, 50)));
    }
    return false;
}

void ThumbnailPrefetchJob::work()
{
    DiskThumbnailStore *disk = m_loader->disk();
    while (!m_cancelled && !m_offline) {
        const int index = m_next.fetch_add(1);
        if (index >= m_keys.size())
            break;
        const ThumbnailKey &key = m_keys.at(index);
        if (disk->contains(key)) {
            ++m_skipped;
            ++m_done;
            continue;
        }
        bool handled = false;
        while (!handled && waitWhilePaused()) {
            const ThumbnailFetch fetch = m_loader->fetch(key); // stores the bytes on disk when they came
            handled = true;
            if (fetch.ok()) {
                ++m_fetched;
                m_bytes += fetch.bytes.size();
            } else if (fetch.error == ThumbnailFetch::Error::RateLimited) {
                // Every worker waits: the server limits the user, not the connection.
                ++m_rateLimited;
                const qint64 until = nowMs() + 1000LL * qMax(1, fetch.retryAfterSeconds);
                qint64 seen = m_pausedUntilMs;
                while (seen < until && !m_pausedUntilMs.compare_exchange_weak(seen, until)) {
                }
                handled = false;
            } else if (fetch.error == ThumbnailFetch::Error::Offline || fetch.error == ThumbnailFetch::Error::Cancelled) {
                if (fetch.error == ThumbnailFetch::Error::Offline)
                    m_offline = true;
                else
                    m_cancelled = true;
                handled = false;
                break;
            } else {
                ++m_failed;
                QMutexLocker lock(&m_firstErrorMutex);
                if (m_firstError.isEmpty())
                    m_firstError = describeFetchError(fetch);
            }
        }
        if (handled)
            ++m_done;
    }
    if (--m_workers == 0)
        QMetaObject::invokeMethod(this, &ThumbnailPrefetchJob::finish, Qt::QueuedConnection);
}

void ThumbnailPrefetchJob::reportProgress()
{
    if (m_done == m_reportedDone)
        return;
    m_reportedDone = m_done;
    Q_EMIT progress(m_reportedDone, total(), m_bytes);
}

void ThumbnailPrefetchJob::finish()
{
    m_progressTimer.stop();
    m_running = false;
    reportProgress();
    if (m_offline) {
        m_error = Error::Offline;
        m_errorText = QStringLiteral("The server cannot be reached; %1 of %2 thumbnails are available offline.").arg(m_done).arg(total());
    } else if (m_cancelled && m_done < total()) {
        m_error = Error::Cancelled;
        m_errorText = QStringLiteral("Cancelled after %1 of %2 thumbnails.").arg(m_done).arg(total());
    } else if (m_failed > 0) {
        m_error = Error::SomeFailed;
        QMutexLocker lock(&m_firstErrorMutex);
        m_errorText = QStringLiteral("%1 of %2 thumbnails could not be downloaded (first: %3)").arg(m_failed).arg(total()).arg(m_firstError);
    }
    qCDebug(lcClientThumbs) << "prefetch finished:" << m_fetched << "fetched," << m_skipped << "skipped," << m_failed << "failed";
    Q_EMIT finished(m_error);
}

} // namespace vesper::client
