#include "backend/http/fileresponse.h"
#include "backend/storage/objectstore.h"
#include "domain/domainerror.h"

#include <QFile>

namespace vesper::backend {

bool wantsThumbnail(const HttpRequest &request)
{
    const QString variant = request.queryValue(QStringLiteral("variant"));
    const bool thumb = variant == QLatin1String("thumb");
    if (!thumb && !variant.isEmpty() && variant != QLatin1String("full"))
        throw DomainError::validation(QStringLiteral("variant must be thumb or full"));
    return thumb;
}

HttpResponse storedFileResponse(const HttpRequest &request, const ObjectStore &store, const QString &key, const QByteArray &etag)
{
    HttpResponse response;
    response.setHeader("ETag", etag);
    response.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    const QByteArray match = request.header("if-none-match");
    if (!match.isEmpty() && (match.trimmed() == "*" || match.split(',').contains(etag) || match.contains(etag))) {
        response.status = 304;
        response.contentType.clear();
        return response;
    }
    std::unique_ptr<QFile> file = store.open(key);
    if (!file)
        throw DomainError::notFound(QStringLiteral("file"));
    response.fileSize = file->size();
    response.file = std::move(file); // streamed as the client reads, never loaded whole
    response.contentType = key.endsWith(QLatin1String(".webp")) ? "image/webp"
                           : key.endsWith(QLatin1String(".jpg")) ? "image/jpeg" : "image/png";
    return response;
}

} // namespace vesper::backend
