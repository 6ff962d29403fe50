#pragma once
// The sizes and shares `vesper-server seed` fills a database with (see addSeedOptions).
#include <QtGlobal>

namespace vesper::backend {

/// What to seed: counts, shares and the PRNG seed that makes a run repeatable.
struct SeedOptions {
    int users = 200;
    int projects = 1000;
    int sessionsPerProject = 10;
    qint64 generations = 100000;
    int outputsPerGeneration = 2;
    double memberShare = 0.3;  // projects that are shared and have 1-5 members
    double privateShare = 0.2; // sessions that are private
    quint64 seedValue = 42;
};

} // namespace vesper::backend
