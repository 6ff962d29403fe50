#include "latency.h"

#include <algorithm>
#include <cmath>

namespace vesper::bench {

double Latency::percentileMs(double q) const
{
    if (m_samples.isEmpty())
        return 0;
    if (!m_sorted) {
        std::sort(m_samples.begin(), m_samples.end());
        m_sorted = true;
    }
    const qsizetype rank = qBound<qsizetype>(1, qsizetype(std::ceil(q * double(m_samples.size()))), m_samples.size());
    return double(m_samples[rank - 1]) / 1e6;
}

qsizetype Latency::countAbove(qint64 nanoseconds) const
{
    return std::count_if(m_samples.cbegin(), m_samples.cend(), [nanoseconds](qint64 s) { return s > nanoseconds; });
}

} // namespace vesper::bench
