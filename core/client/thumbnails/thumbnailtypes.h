#pragma once
// The values the thumbnail cache passes around: which picture (output id and variant), what one
// fetch of its bytes brought back, and the blocking fetch function the cache is given, so the cache
// works over any HTTP client (ApiClient in the app, a plain CurlSession in tests and benchmarks).
#include <QByteArray>
#include <QHashFunctions>
#include <QString>
#include <functional>

namespace vesper::client {

/// One cached picture: an output's "thumb" or "full" variant.
struct ThumbnailKey {
    QString outputId;
    QString variant;

    friend bool operator==(const ThumbnailKey &a, const ThumbnailKey &b)
    {
        return a.outputId == b.outputId && a.variant == b.variant;
    }
    friend size_t qHash(const ThumbnailKey &key, size_t seed = 0) { return qHashMulti(seed, key.outputId, key.variant); }
};

/// What one fetch brought back: the bytes and ETag, or why there are none (errors are values).
struct ThumbnailFetch {
    enum class Error { None, NotFound, Offline, RateLimited, Http, Cancelled };
    QByteArray bytes;
    QByteArray etag;
    Error error = Error::None;
    int status = 0;             // the HTTP status when one arrived
    int retryAfterSeconds = 0;  // from Retry-After on a 429 or 503
    QString message;            // one readable sentence when error != None

    bool ok() const { return error == Error::None; }
};

/// The contracts' name for the same value.
using FetchResult = ThumbnailFetch;

/// Blocking: fetches the bytes of one picture. Called on pool threads, several at once.
using ThumbnailFetchFunction = std::function<ThumbnailFetch(const QString &outputId, const QString &variant)>;

/// A readable sentence for a fetch error kind, for logs and failure signals.
QString describeFetchError(const ThumbnailFetch &fetch);

} // namespace vesper::client
