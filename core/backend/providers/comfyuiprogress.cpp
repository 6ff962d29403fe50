#include "backend/providers/comfyuiprogress.h"
#include "backend/providers/provider.h"

#include <cmath>

namespace vesper::backend {
namespace {
constexpr int kFirst = 5;
constexpr int kSpan = 90; // 5..95: the runner writes 100 with the stored outputs
}

ComfyUiProgress::ComfyUiProgress(ProgressSink &sink, int samplers, double expectedSeconds)
    : m_sink(sink), m_samplers(qMax(1, samplers)), m_expectedSeconds(qMax(1.0, expectedSeconds))
{
    m_clock.start();
}

void ComfyUiProgress::started()
{
    report(kFirst, false);
}

void ComfyUiProgress::step(const QString &node, double value, double max)
{
    if (max <= 0)
        return;
    if (!m_node.isEmpty() && node != m_node)
        m_doneNodes = qMin(m_doneNodes + 1, m_samplers - 1);
    m_node = node;
    const double fraction = qBound(0.0, (m_doneNodes + qBound(0.0, value / max, 1.0)) / m_samplers, 1.0);
    report(kFirst + int(kSpan * fraction), false);
}

void ComfyUiProgress::estimate()
{
    // Approaches 95 and never reaches it: a run longer than expected slows down instead of stalling.
    const double t = double(m_clock.elapsed()) / 1000.0;
    report(kFirst + int(kSpan * (1.0 - std::exp(-t / m_expectedSeconds))), true);
}

void ComfyUiProgress::report(int percent, bool estimate)
{
    percent = qBound(0, percent, kFirst + kSpan);
    if (percent < m_last)
        return;
    m_last = percent;
    m_sink.progress(percent, estimate);
}

} // namespace vesper::backend
