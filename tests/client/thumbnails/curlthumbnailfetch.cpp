#include "curlthumbnailfetch.h"

#include "common/net/curlsession.h"

namespace vesper::test {

using client::ThumbnailFetch;

client::ThumbnailFetchFunction curlThumbnailFetch(const QString &baseUrl, const QString &token, std::shared_ptr<FetchLog> log)
{
    return [baseUrl, token, log](const QString &outputId, const QString &variant) {
        thread_local std::unique_ptr<net::CurlSession> session;
        if (!session)
            session = std::make_unique<net::CurlSession>(std::function<bool()>(), 30, "vesper-thumbnail-test");
        if (log) {
            ++log->calls;
            QMutexLocker lock(&log->mutex);
            log->outputIds << outputId;
        }
        const net::CurlResponse r = session->send("GET", QStringLiteral("%1/api/outputs/%2/file?variant=%3").arg(baseUrl, outputId, variant),
                                                  {}, {}, {{"Authorization", "Bearer " + token.toUtf8()}});
        ThumbnailFetch fetch;
        fetch.status = r.status;
        if (r.ok()) {
            fetch.bytes = r.body;
            fetch.etag = r.headers.value("etag");
        } else if (r.failure != net::CurlResponse::Failure::None) {
            fetch.error = r.failure == net::CurlResponse::Failure::Cancelled ? ThumbnailFetch::Error::Cancelled
                                                                             : ThumbnailFetch::Error::Offline;
            fetch.message = r.error;
        } else if (r.status == 404) {
            fetch.error = ThumbnailFetch::Error::NotFound;
        } else if (r.status == 429 || r.status == 503) {
            fetch.error = ThumbnailFetch::Error::RateLimited;
            fetch.retryAfterSeconds = net::retryAfterSeconds(r.headers.value("retry-after"));
            if (log)
                ++log->rateLimited;
        } else {
            fetch.error = ThumbnailFetch::Error::Http;
        }
        return fetch;
    };
}

} // namespace vesper::test
