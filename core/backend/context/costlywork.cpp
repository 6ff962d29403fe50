#include "backend/context/costlywork.h"
#include "common/metrics.h"

namespace vesper::backend {
namespace {
// What a refused caller is told to wait: a decode or a hash takes well under a second.
constexpr int kRetryAfterSeconds = 1;
} // namespace

CostlyWork::CostlyWork(int threads, int queued)
    : m_capacity(qMax(1, threads) + qMax(0, queued))
{
    m_pool.setMaxThreadCount(qMax(1, threads));
    m_pool.setExpiryTimeout(60000);
    MetricsRegistry::instance().describe(QStringLiteral("vesper_costly_work_refused_total"), QStringLiteral("counter"),
                                         QStringLiteral("Uploads and sign-ins refused with 503 because the costly-work queue was full."));
}

CostlyWork::~CostlyWork()
{
    m_pool.waitForDone();
}

void CostlyWork::admit()
{
    if (m_admitted.fetch_add(1) >= m_capacity) {
        m_admitted.fetch_sub(1);
        MetricsRegistry::instance().addCounter(QStringLiteral("vesper_costly_work_refused_total"), QString());
        throw DomainError(ErrorCode::Unavailable,
                          QStringLiteral("the server is busy with other uploads and sign-ins; try again in a moment"),
                          kRetryAfterSeconds);
    }
}

void CostlyWork::release()
{
    m_admitted.fetch_sub(1);
}

} // namespace vesper::backend
