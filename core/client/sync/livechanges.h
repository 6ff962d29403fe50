#pragma once
// Follows GET /api/changes/stream on a thread of its own (DESIGN §6, issue 14): each "changes" event
// is handed over as a feed page, each "progress" event as a tick, and a stream that breaks is
// reopened from the cache's position (Last-Event-ID) with backoff and jitter. A server without the
// stream (404) is remembered: the caller keeps polling. While not live, the caller polls as before.
#include <QJsonObject>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace vesper::client {

class ApiClient;

class LiveChanges {
public:
    struct Hooks {
        /// The feed position the cache holds now ("" or "0" at the start).
        std::function<QString()> position;
        /// A page that continues the feed from `from` to `next`; false when the cache has moved
        /// meanwhile (or refused the page): the stream is reopened from the cache's position.
        std::function<bool(const QString &from, const QJsonObject &page, const QString &next)> applyPage;
        std::function<void(const QString &generationId, int progress, bool isEstimate)> progress;
        /// Called when the stream connects (true) and when it ends (false).
        std::function<void(bool live)> liveChanged;
    };

    LiveChanges(ApiClient &api, Hooks hooks, int readIdleSeconds = 45);
    ~LiveChanges();
    LiveChanges(const LiveChanges &) = delete;
    LiveChanges &operator=(const LiveChanges &) = delete;

    void start();
    /// Ends the stream and waits for the thread (within about a second).
    void stop();
    bool isLive() const { return m_live.load(); }
    /// The server answered 404: it has no stream; nothing more is tried.
    bool unsupported() const { return m_unsupported.load(); }
    /// Connections made so far (reconnects included).
    int connections() const { return m_connections.load(); }

private:
    void run();
    void setLive(bool live);
    /// Sleeps unless stopped; false when stopped.
    bool pause(int ms);

    ApiClient &m_api;
    Hooks m_hooks;
    const int m_readIdleSeconds;
    std::atomic<bool> m_stopping{false};
    std::atomic<bool> m_live{false};
    std::atomic<bool> m_unsupported{false};
    std::atomic<int> m_connections{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
};

} // namespace vesper::client
