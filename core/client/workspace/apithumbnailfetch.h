#pragma once
// The thumbnail cache's fetch function over the typed API client: the production counterpart of the
// tests' CurlSession fetch, mapping API errors onto the cache's small set (not found, offline, rate
// limited with its Retry-After, other HTTP errors).
#include "client/thumbnails/thumbnailtypes.h"

namespace vesper::client {

class ApiClient;

/// api must outlive the returned function (the workspace owns both).
ThumbnailFetchFunction apiThumbnailFetch(ApiClient &api);

} // namespace vesper::client
