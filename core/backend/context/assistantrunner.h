#pragma once
// Streamed assistant replies run here, never on an HTTP thread: a small pool owned by the backend
// with a bounded queue (a reply can take a minute; the HTTP threads must stay free). Each job comes
// with its cancel flag, so stopping the backend ends every reply in flight before the pool is gone.
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>

namespace vesper::backend {

class AssistantRunner {
public:
    /// `threads` replies run at once and `queued` more may wait; anything past that is refused.
    AssistantRunner(int threads, int queued);
    /// Cancels every job (running or waiting) and waits for them to end.
    ~AssistantRunner();
    AssistantRunner(const AssistantRunner &) = delete;
    AssistantRunner &operator=(const AssistantRunner &) = delete;

    /// Queues job, which should stop soon after *cancel turns true. Throws an UNAVAILABLE DomainError
    /// with Retry-After at once when the pool and its queue are full.
    void start(std::function<void()> job, std::shared_ptr<std::atomic_bool> cancel);
    /// Jobs running or waiting now.
    int inFlight() const;

private:
    QThreadPool m_pool;
    const int m_capacity;
    mutable std::mutex m_mutex;
    std::set<std::shared_ptr<std::atomic_bool>> m_cancels; // one per job in flight
};

} // namespace vesper::backend
