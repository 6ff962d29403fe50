#pragma once
// Streamed assistant replies run here, never on an HTTP thread: a small pool owned by the backend
// with a bounded queue (a reply can take a minute; the HTTP threads must stay free). Each job comes
// with its cancel flag and a heartbeat: every few seconds the heartbeat writes to the client (an SSE
// comment), which is how a client that left is noticed while the model is silent; then the flag
// turns true. Stopping the backend cancels every job before the pool is gone.
#include <QThreadPool>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace vesper::backend {

class AssistantRunner {
public:
    /// `threads` replies run at once and `queued` more may wait; anything past that is refused.
    AssistantRunner(int threads, int queued, int heartbeatMs = 3000);
    /// Cancels every job (running or waiting) and waits for them to end.
    ~AssistantRunner();
    AssistantRunner(const AssistantRunner &) = delete;
    AssistantRunner &operator=(const AssistantRunner &) = delete;

    /// Queues job, which should stop soon after *cancel turns true. heartbeat (may be empty) is
    /// called every heartbeatMs while the job is in flight; false from it sets *cancel. Throws an
    /// UNAVAILABLE DomainError with Retry-After at once when the pool and its queue are full.
    void start(std::function<void()> job, std::shared_ptr<std::atomic_bool> cancel, std::function<bool()> heartbeat = {});
    /// Jobs running or waiting now.
    int inFlight() const;

private:
    void beat();

    QThreadPool m_pool;
    const int m_capacity;
    const int m_heartbeatMs;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::map<std::shared_ptr<std::atomic_bool>, std::function<bool()>> m_jobs; // in flight: cancel -> heartbeat
    std::thread m_heartbeats;
};

} // namespace vesper::backend
