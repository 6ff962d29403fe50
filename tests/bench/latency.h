#pragma once
// Latency samples of one benchmarked operation and their percentiles.
#include <QList>
#include <QtGlobal>

namespace vesper::bench {

/// Collects durations (nanoseconds) and reports percentiles in milliseconds.
class Latency {
public:
    void add(qint64 nanoseconds)
    {
        m_samples.append(nanoseconds);
        m_sorted = false;
    }
    qsizetype count() const { return m_samples.size(); }
    /// Nearest-rank percentile (q in 0..1) in milliseconds; 0 with no samples.
    double percentileMs(double q) const;
    /// How many samples took longer than nanoseconds.
    qsizetype countAbove(qint64 nanoseconds) const;

private:
    mutable QList<qint64> m_samples;
    mutable bool m_sorted = false;
};

} // namespace vesper::bench
