#pragma once
// The seeded activity: generations spread unevenly over the sessions of a SeedGraph, in batches
// that share created_at to the microsecond, with placeholder image outputs.
#include "backend/tools/seedoptions.h"

#include <QList>
#include <functional>

namespace vesper::backend {

class SeedGraph;
class SeedRandom;
class SeedWriter;

/// Writes generations and outputs session by session, committing only between sessions.
class SeedActivity {
public:
    SeedActivity(const SeedOptions &options, SeedRandom &random, const SeedGraph &graph, qint64 endMicros);

    /// progress is called now and then with the number of generations written so far.
    void write(SeedWriter &writer, const std::function<void(qint64)> &progress);

    qint64 completed() const { return m_completed; }
    qint64 failed() const { return m_failed; }
    qint64 queued() const { return m_queued; }
    qint64 tiedGenerations() const { return m_tied; }

private:
    QList<qint64> generationsPerSession();

    const SeedOptions m_options;
    SeedRandom &m_random;
    const SeedGraph &m_graph;
    const qint64 m_end;
    qint64 m_completed = 0;
    qint64 m_failed = 0;
    qint64 m_queued = 0;
    qint64 m_tied = 0;
};

} // namespace vesper::backend
