#pragma once
// A thumbnail fetch function for tests and benchmarks: GET /api/outputs/{id}/file?variant= on a real
// vesper-server through the shared libcurl wrapper (one connection per thread), with a log of the
// calls so a test can assert that a hit did not fetch.
#include "client/thumbnails/thumbnailtypes.h"

#include <QMutex>
#include <QStringList>
#include <atomic>
#include <memory>

namespace vesper::test {

/// The fetches made, in order.
struct FetchLog {
    std::atomic<int> calls{0};
    std::atomic<int> rateLimited{0};
    QMutex mutex;
    QStringList outputIds;

    QStringList ids()
    {
        QMutexLocker lock(&mutex);
        return outputIds;
    }
};

/// Fetches from baseUrl with a bearer token; log may be null.
client::ThumbnailFetchFunction curlThumbnailFetch(const QString &baseUrl, const QString &token,
                                                  std::shared_ptr<FetchLog> log = {});

} // namespace vesper::test
