#include "backend/context/assistantrunner.h"
#include "domain/domainerror.h"

namespace vesper::backend {

AssistantRunner::AssistantRunner(int threads, int queued) : m_capacity(qMax(1, threads) + qMax(0, queued))
{
    m_pool.setMaxThreadCount(qMax(1, threads));
    m_pool.setObjectName(QStringLiteral("assistant"));
}

AssistantRunner::~AssistantRunner()
{
    {
        std::lock_guard lock(m_mutex);
        for (const auto &cancel : m_cancels)
            *cancel = true;
    }
    m_pool.waitForDone();
}

void AssistantRunner::start(std::function<void()> job, std::shared_ptr<std::atomic_bool> cancel)
{
    {
        std::lock_guard lock(m_mutex);
        if (int(m_cancels.size()) >= m_capacity)
            throw DomainError(ErrorCode::Unavailable, QStringLiteral("The assistant is busy with other replies; try again in a few seconds."), 5);
        m_cancels.insert(cancel);
    }
    m_pool.start([this, job = std::move(job), cancel] {
        job();
        std::lock_guard lock(m_mutex);
        m_cancels.erase(cancel);
    });
}

int AssistantRunner::inFlight() const
{
    std::lock_guard lock(m_mutex);
    return int(m_cancels.size());
}

} // namespace vesper::backend
