#pragma once
// "Make this project available offline": downloads the bytes of many thumbnails to the disk tier
// without decoding them, a few at a time (bounded parallelism), skipping what is already on disk
// (so a second run resumes), pausing all workers for Retry-After on a 429, stopping when the server
// is unreachable, cancellable. KJob-like: started, progress(done, total, bytes), finished(error).
#include "client/thumbnails/thumbnailtypes.h"

#include <QList>
#include <QMutex>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <memory>

namespace vesper::client {

class ThumbnailLoader;

class ThumbnailPrefetchJob : public QObject {
    Q_OBJECT
public:
    enum class Error { None, Cancelled, Offline, SomeFailed };
    Q_ENUM(Error)

    /// A job over keys; nothing happens before start(). parallelism is the number of downloads at once.
    ThumbnailPrefetchJob(std::shared_ptr<const ThumbnailLoader> loader, QList<ThumbnailKey> keys, int parallelism,
                         QObject *parent = nullptr);
    /// Cancels and waits for the downloads under way.
    ~ThumbnailPrefetchJob() override;

    /// Starts the downloads; started() is emitted now, finished() once, later, on this object's thread.
    void start();
    /// Stops taking new keys; finished(Cancelled) follows once the downloads under way end.
    void cancel();

    bool isRunning() const { return m_running; }
    Error error() const { return m_error; }
    /// One sentence about the error; empty for None.
    QString errorText() const { return m_errorText; }
    int total() const { return int(m_keys.size()); }
    int done() const { return m_done; }
    int fetchedCount() const { return m_fetched; }
    /// Keys already on disk, not fetched again.
    int skippedCount() const { return m_skipped; }
    int failedCount() const { return m_failed; }
    /// 429 answers met (each paused the job for its Retry-After).
    int rateLimitedCount() const { return m_rateLimited; }
    qint64 bytes() const { return m_bytes; }

Q_SIGNALS:
    void started();
    /// done of total keys handled (fetched, skipped or failed); bytes downloaded so far.
    void progress(int done, int total, qint64 bytes);
    void finished(vesper::client::ThumbnailPrefetchJob::Error error);

private:
    void work();
    bool waitWhilePaused();
    void finish();
    void reportProgress();

    std::shared_ptr<const ThumbnailLoader> m_loader;
    const QList<ThumbnailKey> m_keys;
    const int m_parallelism;
    QThreadPool m_pool;
    QTimer m_progressTimer;
    std::atomic<int> m_next{0}, m_done{0}, m_fetched{0}, m_skipped{0}, m_failed{0}, m_rateLimited{0}, m_workers{0};
    std::atomic<qint64> m_bytes{0};
    std::atomic<qint64> m_pausedUntilMs{0}; // monotonic ms; all workers wait until then (Retry-After)
    std::atomic<bool> m_cancelled{false}, m_offline{false};
    bool m_running = false;
    int m_reportedDone = -1;
    Error m_error = Error::None;
    QString m_errorText;
    QMutex m_firstErrorMutex;
    QString m_firstError;
};

} // namespace vesper::client
