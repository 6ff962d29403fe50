#include "client/workspace/apithumbnailfetch.h"
#include "client/net/apiclient.h"

namespace vesper::client {

ThumbnailFetchFunction apiThumbnailFetch(ApiClient &api)
{
    return [&api](const QString &outputId, const QString &variant) {
        const ApiResult<FileBytes> file = api.downloadFile(outputId, variant);
        ThumbnailFetch fetch;
        if (file.ok()) {
            fetch.bytes = file.value.bytes;
            fetch.etag = file.value.etag;
            fetch.status = 200;
            return fetch;
        }
        const ApiError &e = file.error;
        fetch.status = e.status;
        fetch.retryAfterSeconds = e.retryAfterSeconds;
        fetch.message = e.message;
        using Kind = ApiError::Kind;
        if (e.kind == Kind::Offline || e.kind == Kind::Network || e.kind == Kind::Timeout)
            fetch.error = ThumbnailFetch::Error::Offline;
        else if (e.kind == Kind::Cancelled)
            fetch.error = ThumbnailFetch::Error::Cancelled;
        else if (e.status == 404)
            fetch.error = ThumbnailFetch::Error::NotFound;
        else if (e.status == 429)
            fetch.error = ThumbnailFetch::Error::RateLimited;
        else
            fetch.error = ThumbnailFetch::Error::Http;
        return fetch;
    };
}

} // namespace vesper::client
