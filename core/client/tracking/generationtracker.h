#pragma once
// Follows running generations to the end (DESIGN §6): one `POST /api/generations/status` for all of
// them every 2 s while anything is in flight, on a QThreadPool so no poll ever blocks the GUI; errors
// back the interval off (up to 30 s); nothing in flight, no polls. Results go to the cache first, then
// out as signals, so the UI and the cache never disagree. At start it resumes whatever the cache says
// is still queued or processing — the app may have been closed mid-generation. While the sync
// engine is on the server's change stream, the stream brings status and progress: the tracker stops
// polling (setStreamed) and reports what the sync writes (noteChanges, noteProgress); when the
// stream ends, polling picks up at once.
//
//     GenerationTracker tracker(api, cache);
//     connect(&tracker, &GenerationTracker::progressed, bar, &PromptBar::showProgress);
//     tracker.resume();          // what the cache holds in flight
//     tracker.track({newId});    // after a generate
#include "client/cache/cachestore.h"

#include <QMutex>
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>
#include <atomic>

class QThreadPool;

namespace vesper::client {

class ApiClient;

class GenerationTracker : public QObject {
    Q_OBJECT
public:
    /// pool may be null (the global pool). The tracker's timer lives on the calling thread.
    GenerationTracker(ApiClient &api, CacheStore &cache, QThreadPool *pool = nullptr, QObject *parent = nullptr);
    ~GenerationTracker() override;

    /// Adds generations to follow; polling starts at once if it was idle.
    void track(const QStringList &generationIds);
    /// Follows every generation the cache holds as queued or processing.
    void resume();
    /// Stops polling and waits for a poll in progress.
    void stop();
    /// The change stream is up (true): no polls while it is, one at once when it ends.
    void setStreamed(bool streamed);
    bool isStreamed() const { return m_streamed.load(); }
    /// Reports followed generations the sync wrote to the cache (SyncEngine::changed).
    void noteChanges(const vesper::client::CacheChanges &changes);
    /// Reports a progress tick the stream pushed (SyncEngine::generationProgress).
    void noteProgress(const QString &generationId, int progress, bool isEstimate);
    /// Status polls sent so far.
    int polls() const { return m_polls.load(); }

    QSet<QString> inFlight() const;
    /// The interval the next poll waits (2 s normally, longer after errors).
    int currentIntervalMs() const { return m_intervalMs; }
    void setBaseIntervalMs(int ms) { m_baseMs = ms; m_intervalMs = ms; }

Q_SIGNALS:
    /// A generation moved (status or progress); already written to the cache.
    void progressed(const QString &generationId, int progress, bool isEstimate, const QString &status);
    /// A generation reached completed, failed or cancelled.
    void finished(const QString &generationId, const QString &status);
    void changed(const vesper::client::CacheChanges &changes);
    /// A poll failed; polling goes on with a longer interval.
    void pollFailed(const QString &message);
    /// Nothing is in flight any more.
    void idle();

private:
    void schedule();
    void poll();
    void pollDone(bool ok, const QString &message);
    /// Signals what changed about one followed generation; true when it finished (and is dropped).
    bool report(const Generation &generation);
    ApiClient &m_api;
    CacheStore &m_cache;
    QThreadPool *m_pool;
    QTimer m_timer;
    mutable QMutex m_lock;
    QSet<QString> m_ids;
    QHash<QString, QPair<int, QString>> m_last; // progress and status last signalled
    std::atomic<bool> m_polling{false}; // a poll is scheduled or running (owner thread's view)
    std::atomic<bool> m_inPool{false};  // a poll's task is running on the pool
    std::atomic<bool> m_stopped{false};
    std::atomic<bool> m_streamed{false};
    std::atomic<int> m_polls{0};
    int m_baseMs = 2000;
    int m_intervalMs = 2000;
};

} // namespace vesper::client
