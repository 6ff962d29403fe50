#pragma once
// One stored image as an HTTP answer, the same for outputs and uploads: a strong ETag from the
// content hash, private immutable caching, 304 on If-None-Match, and the file streamed, never loaded.
#include "backend/http/httpmessage.h"

namespace vesper::backend {

class ObjectStore;

/// The file under key with etag ("\"<sha256>[-thumb]\""); 404 when the file is missing.
HttpResponse storedFileResponse(const HttpRequest &request, const ObjectStore &store, const QString &key, const QByteArray &etag);
/// "thumb" or "full" from ?variant= (default full); 400 for anything else. True for thumb.
bool wantsThumbnail(const HttpRequest &request);

} // namespace vesper::backend
