#pragma once
// One progress bar for a ComfyUI run: real from the websocket's "progress" events (several
// sampling nodes share the bar), or a time-based estimate while only /history can be polled.
#include <QElapsedTimer>
#include <QString>

namespace vesper::backend {

class ProgressSink;

/// Turns ComfyUI's per-node steps, or the time spent, into 5..95 percent for the sink.
class ComfyUiProgress {
public:
    /// samplers: how many sampling nodes the graph has; expectedSeconds: the estimate's time scale.
    ComfyUiProgress(ProgressSink &sink, int samplers, double expectedSeconds);

    /// A "progress" event: step value of max in node.
    void step(const QString &node, double value, double max);
    /// The run has started on ComfyUI (real, not an estimate).
    void started();
    /// No events to go by: an estimate from the time since the prompt was queued.
    void estimate();

private:
    void report(int percent, bool estimate);

    ProgressSink &m_sink;
    int m_samplers;
    double m_expectedSeconds;
    QElapsedTimer m_clock;
    QString m_node;   // the sampling node whose steps arrive now
    int m_doneNodes = 0;
    int m_last = 0;   // never goes back, even when a second sampler starts at step 0
};

} // namespace vesper::backend
