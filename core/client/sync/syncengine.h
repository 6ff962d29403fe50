#pragma once
// Keeps the local cache equal to what the server shows this user (DESIGN §6): a bootstrap the first
// time, then the changes feed from the last applied position, each page applied in one transaction
// with its new position — so a crash between pages loses nothing and repeats nothing. Runs at start,
// on a timer, after each write and when the network returns; a request while a run is going marks
// the run to go round once more instead of starting a second one.
//
//     SyncEngine sync(api, cache);
//     connect(&sync, &SyncEngine::changed, model, &ProjectModel::applyChanges); // rows, not resets
//     sync.requestSync();                 // async, on the global thread pool
//     const SyncReport r = sync.syncNow(); // blocking (the CLI)
#include "client/cache/cachestore.h"
#include "client/net/apierror.h"

#include <QMutex>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <atomic>
#include <functional>
#include <memory>

namespace vesper::client {

class ApiClient;
class LiveChanges;

/// How one run went.
struct SyncReport {
    int pages = 0;
    int changes = 0;
    bool bootstrapped = false;
    QString position; // the feed position the cache now holds
    ApiError error;   // Kind::None when the cache caught up with the server
    bool ok() const { return error.ok(); }
};

class SyncEngine : public QObject {
    Q_OBJECT
public:
    SyncEngine(ApiClient &api, CacheStore &cache, QObject *parent = nullptr);
    ~SyncEngine() override;

    /// Runs until the feed has no more pages or an error stops it. Blocking; call it off the GUI
    /// thread. Concurrent callers are serialised: the second waits and then runs its own pass.
    SyncReport syncNow(const std::function<bool()> &cancelled = {});
    /// Schedules a run on the engine's own thread; coalesces with a run already going.
    void requestSync();
    /// Runs every intervalMs (0 stops the timer). Lives on the engine's thread.
    void setInterval(int intervalMs);
    /// Asks a running pass to stop after its current page and waits for it.
    void shutdown();
    /// Follows the server's change stream (GET /api/changes/stream) on a background thread: pages
    /// are applied as they are pushed, progress ticks written to the cache, and timer and
    /// after-write passes are skipped while the stream is live. A server without the stream, or a
    /// stream that breaks, leaves polling as it was (reconnects with backoff). Call after the first
    /// syncNow (the bootstrap). readIdleSeconds: silence (heartbeats are every 15 s) that ends it.
    void setLive(bool enabled, int readIdleSeconds = 45);
    /// Whether the change stream is connected now.
    bool isLive() const { return m_live.load(); }
    /// The change stream's reconnects so far (0 when never connected), for tests and diagnostics.
    int liveConnections() const;

    bool isRunning() const { return m_running.load(); }

Q_SIGNALS:
    void started();
    /// After each page: pages and changes applied so far in this run, and whether more follow.
    void progress(int pages, int changes, bool hasMore);
    /// What one page changed, for models to update rows and the thumbnail cache to drop files.
    void changed(const vesper::client::CacheChanges &changes);
    void finished(const vesper::client::SyncReport &report);
    /// The change stream connected (true) or ended (false). From the stream's thread.
    void liveChanged(bool live);
    /// A running generation's progress, pushed by the server (after the cache has it).
    void generationProgress(const QString &generationId, int progress, bool isEstimate);

private:
    void runPass();
    /// The change stream's page, applied when it continues the cache's position (under the run lock).
    bool applyLivePage(const QString &from, const QJsonObject &page, const QString &next);
    ApiClient &m_api;
    CacheStore &m_cache;
    QMutex m_runLock;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_again{false};
    std::atomic<bool> m_scheduled{false};
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_live{false};
    std::unique_ptr<LiveChanges> m_liveChanges;
    QTimer m_timer;
    QThreadPool m_pool; // its own, so shutdown() can wait for a pass that is queued but not started
    QThreadPool m_fetchPool; // one long-lived thread: the next page downloads while this one is applied
};

} // namespace vesper::client

Q_DECLARE_METATYPE(vesper::client::SyncReport)
