#include "backend/context/assistantrunner.h"
#include "domain/domainerror.h"

#include <vector>

namespace vesper::backend {

AssistantRunner::AssistantRunner(int threads, int queued, int heartbeatMs)
    : m_capacity(qMax(1, threads) + qMax(0, queued)), m_heartbeatMs(qMax(10, heartbeatMs))
{
    m_pool.setMaxThreadCount(qMax(1, threads));
    m_pool.setObjectName(QStringLiteral("assistant"));
    m_heartbeats = std::thread([this] { beat(); });
}

AssistantRunner::~AssistantRunner()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        for (const auto &[cancel, heartbeat] : m_jobs)
            *cancel = true;
    }
    m_wake.notify_all();
    m_heartbeats.join();
    m_pool.waitForDone();
}

void AssistantRunner::start(std::function<void()> job, std::shared_ptr<std::atomic_bool> cancel, std::function<bool()> heartbeat)
{
    {
        std::lock_guard lock(m_mutex);
        if (int(m_jobs.size()) >= m_capacity)
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("The assistant is busy with other replies; try again in a few seconds."), 5);
        m_jobs.emplace(cancel, std::move(heartbeat));
    }
    m_pool.start([this, job = std::move(job), cancel] {
        job();
        std::lock_guard lock(m_mutex);
        m_jobs.erase(cancel);
    });
}

int AssistantRunner::inFlight() const
{
    std::lock_guard lock(m_mutex);
    return int(m_jobs.size());
}

void AssistantRunner::beat()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wake.wait_for(lock, std::chrono::milliseconds(m_heartbeatMs), [this] { return m_stopping; });
        if (m_stopping)
            return;
        std::vector<std::pair<std::shared_ptr<std::atomic_bool>, std::function<bool()>>> jobs(m_jobs.begin(), m_jobs.end());
        lock.unlock(); // a heartbeat writes to a stream: never under this lock
        for (const auto &[cancel, heartbeat] : jobs) {
            if (heartbeat && !heartbeat())
                *cancel = true;
        }
        lock.lock();
    }
}

} // namespace vesper::backend
