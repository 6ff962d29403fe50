#pragma once
// The changes feed before its reads were windowed: every page sorted all of the caller's rows past
// `since`. Kept only as bench_changesfeed's baseline, measured in the same process.
#include "backend/repositories/changefeed.h"

namespace vesper::bench {

class OldChangeFeed {
public:
    explicit OldChangeFeed(backend::Database &database);

    /// A page as the old GET /api/changes computed it.
    backend::ChangePage read(const QString &userId, qint64 since, int limit);

private:
    backend::Database &m_database;
};

} // namespace vesper::bench
