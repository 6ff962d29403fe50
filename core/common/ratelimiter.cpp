#include "common/ratelimiter.h"
#include "common/clock.h"

#include <cmath>

namespace vesper {

RateDecision InMemoryRateLimitStore::hit(const QString &key, int limit, int windowSeconds)
{
    if (limit <= 0 || windowSeconds <= 0)
        return {};
    const qint64 now = nowMicros();
    const double perMicro = double(limit) / (double(windowSeconds) * 1e6);
    QMutexLocker lock(&m_mutex);
    // Drop full buckets now and then so the map does not grow with every user ever seen.
    if (now - m_lastSweepMicros > 60LL * 1000000) {
        for (auto it = m_buckets.begin(); it != m_buckets.end();) {
            const double refilled = it->tokens + double(now - it->updatedMicros) * it->perMicro;
            it = refilled >= it->limit ? m_buckets.erase(it) : std::next(it);
        }
        m_lastSweepMicros = now;
    }
    auto it = m_buckets.find(key);
    if (it == m_buckets.end())
        it = m_buckets.insert(key, Bucket{double(limit), now, double(limit), perMicro});
    Bucket &bucket = *it;
    bucket.limit = double(limit);
    bucket.perMicro = perMicro;
    bucket.tokens = std::min(double(limit), bucket.tokens + double(now - bucket.updatedMicros) * perMicro);
    bucket.updatedMicros = now;
    if (bucket.tokens >= 1.0) {
        bucket.tokens -= 1.0;
        return {};
    }
    const double waitMicros = (1.0 - bucket.tokens) / perMicro;
    return {false, std::max(1, int(std::ceil(waitMicros / 1e6)))};
}

} // namespace vesper
