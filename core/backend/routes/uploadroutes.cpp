// POST /api/uploads: a reference image, checked by decoding (PNG, JPEG or WebP, whatever the
// Content-Type says; its pixel count read from the header and capped before decoding), re-encoded on
// the costly-work pool so no metadata survives, stored as a file, owned by the uploader and counted
// against their quota; idempotent with an Idempotency-Key. GET /api/uploads/{id}/file reads it (or its
// thumbnail) back; GET /api/uploads lists the caller's own and DELETE /api/uploads/{id} removes one.
#include "backend/access/uploadaccess.h"
#include "backend/db/database.h"
#include "domain/domainerror.h"
#include "backend/http/fileresponse.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "backend/storage/imagereencode.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QCryptographicHash>
#include <QIODevice>
#include <QImage>

namespace vesper::backend {
namespace {
/// Refuses with 413 when one more upload of `bytes` would pass the user's quota (count or bytes).
void checkQuota(const ServerContext &context, const UploadUsage &usage, qint64 bytes)
{
    const BackendSettings &c = context.config;
    const bool overCount = c.uploadQuotaCount > 0 && usage.count + 1 > c.uploadQuotaCount;
    const bool overBytes = c.uploadQuotaBytes > 0 && usage.bytes + bytes > c.uploadQuotaBytes;
    if (!overCount && !overBytes)
        return;
    const QString message = overCount
        ? QStringLiteral("you have %1 uploads, the most this server keeps per user; delete some first").arg(usage.count)
        : QStringLiteral("your uploads take %1 of the %2 bytes this server keeps per user; delete some first")
              .arg(usage.bytes).arg(c.uploadQuotaBytes);
    throw DomainError(ErrorCode::PayloadTooLarge, message)
        .withDetails(QJsonObject{{QStringLiteral("quotaBytes"), c.uploadQuotaBytes}, {QStringLiteral("usedBytes"), usage.bytes},
                                 {QStringLiteral("quotaCount"), c.uploadQuotaCount}, {QStringLiteral("usedCount"), usage.count}});
}

/// The refusal of a checked image as the client reads it: the pixel cap says how large the image is
/// and what is accepted; the rest keep their one-line reasons.
[[noreturn]] void refuseImage(DecodeRefusal refusal, const QString &reason)
{
    if (refusal == DecodeRefusal::TooManyPixels)
        throw DomainError::validation(reason);
    if (refusal == DecodeRefusal::Undecodable)
        throw DomainError::validation(QStringLiteral("the image could not be decoded (truncated or damaged)"));
    throw DomainError::validation(QStringLiteral("not a PNG, JPEG or WebP image"));
}

/// The header checked here (cheap: a bomb is refused without taking a slot), then the decode and
/// re-encode on the costly-work pool.
Encoded checkAndReencode(ServerContext &context, const QByteArray &body)
{
    QString headerReason;
    DecodeRefusal headerRefusal = DecodeRefusal::None;
    if (!checkReferenceHeader(body, context.config.maxReferencePixels, &headerReason, &headerRefusal))
        refuseImage(headerRefusal, headerReason);
    return context.costly->run([&context, &body] {
        QString format;
        QString reason;
        DecodeRefusal refusal = DecodeRefusal::None;
        const QImage decoded = decodeReferenceImage(body, context.config.maxReferencePixels, &format, &reason, &refusal);
        if (decoded.isNull())
            refuseImage(refusal, reason);
        return reencode(decoded, format);
    });
}

HttpResponse upload(ServerContext &context, RequestContext &rc)
{
    IdempotentCreate idempotent(context, rc);
    if (auto replay = idempotent.replay())
        return *replay;
    // The body was spooled to a file as it arrived (the HTTP layer); a body held in memory is read alike.
    const HttpRequest &request = rc.request;
    if (request.bodyFile ? request.bodyFileSize == 0 : request.body.isEmpty())
        throw DomainError::validation(QStringLiteral("the body must be the image bytes"));
    // A spooled body is read back here: the decode below is capped (header first, then the pool).
    QByteArray body = request.body;
    if (request.bodyFile) {
        request.bodyFile->seek(0);
        body = request.bodyFile->readAll();
    }
    // A user at the quota is refused before any decoding work; the exact check is in the insert.
    checkQuota(context, UploadRepository::usage(context.db.connection(), rc.userId), 0);
    const Encoded encoded = checkAndReencode(context, body);
    const int width = encoded.width; // after the EXIF rotation
    const int height = encoded.height;
    const QString id = newUuidV7();
    const QString key = rc.userId + QStringLiteral("/uploads/") + id + QLatin1Char('.') + encoded.extension;
    ObjectStore store(context.config.storagePath);
    QString error;
    if (!ObjectStore::isSafeKey(key) || !store.put(key, encoded.bytes, &error))
        throw DomainError(ErrorCode::Internal, QStringLiteral("the upload could not be stored"));
    const QString sha256 = QString::fromLatin1(QCryptographicHash::hash(encoded.bytes, QCryptographicHash::Sha256).toHex());
    const qint64 now = nowMicros();
    const auto insertRow = [&] {
        const NewUpload row{id, rc.userId, key, encoded.mime, qint64(encoded.bytes.size()), sha256, width, height, now};
        UploadRepository(context.db).insert(row, [&](const UploadUsage &usage) { checkQuota(context, usage, row.bytes); });
        return jsonResponse(201, QJsonObject{{QStringLiteral("id"), id},
                                             {QStringLiteral("mime"), encoded.mime},
                                             {QStringLiteral("bytes"), qint64(encoded.bytes.size())},
                                             {QStringLiteral("width"), width},
                                             {QStringLiteral("height"), height},
                                             {QStringLiteral("sha256"), sha256},
                                             {QStringLiteral("createdAt"), formatTime(now)}});
    };
    bool stored = false;
    HttpResponse response;
    try {
        response = idempotent.run(insertRow, &stored);
    } catch (...) {
        store.remove(key); // no file without its row
        throw;
    }
    if (!stored)
        store.remove(key); // a twin with the same Idempotency-Key stored its own first
    return response;
}

/// The upload or its WebP thumbnail, made from the original on first request and kept beside it.
HttpResponse uploadFile(ServerContext &context, RequestContext &rc)
{
    const UploadRef upload = UploadAccess(context.db).readable(rc.userId, rc.param(QStringLiteral("id")));
    const bool thumb = wantsThumbnail(rc.request);
    ObjectStore store(context.config.storagePath);
    QString key = upload.storageKey;
    if (thumb) {
        key = UploadRepository::thumbnailKey(upload);
        if (!store.exists(key)) {
            const auto original = store.get(upload.storageKey);
            QString error;
            const QByteArray bytes = original ? context.costly->run([&] { return makeThumbnail(*original, ThumbnailSide, &error); })
                                              : QByteArray();
            if (bytes.isEmpty() || !store.put(key, bytes, &error)) // atomic: a twin writes the same bytes
                throw DomainError::notFound(QStringLiteral("file"));
        }
    }
    const QByteArray etag = '"' + upload.sha256.toLatin1() + (thumb ? "-thumb" : "") + '"';
    return storedFileResponse(rc.request, store, key, etag);
}
/// GET /api/uploads: the caller's own uploads, newest first, with how many generations use each.
HttpResponse listUploads(ServerContext &context, RequestContext &rc)
{
    const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 50, 1, 100);
    const UploadPage page = UploadRepository(context.db).listOwn(rc.userId, limit, jsonbody::queryCursor(rc.request));
    return jsonResponse(200, pageObject(page.data, page.nextCursor));
}

/// DELETE /api/uploads/{id}: the caller's own upload, row and files. Refused with 409 while a
/// generation references it (it shows there as the reference, and a queued one still needs it):
/// deleting those generations first frees it. Anyone else's is 404, like a missing one.
HttpResponse deleteUpload(ServerContext &context, RequestContext &rc)
{
    UploadRef removed;
    switch (UploadRepository(context.db).removeOwn(rc.userId, rc.param(QStringLiteral("id")), &removed)) {
    case UploadRemoval::Missing:
        throw DomainError::notFound(QStringLiteral("upload"));
    case UploadRemoval::Referenced:
        throw DomainError::conflict(QStringLiteral("a generation uses this upload as a reference; delete the generation first"));
    case UploadRemoval::Removed:
        break;
    }
    ObjectStore store(context.config.storagePath);
    store.remove(removed.storageKey); // after the row: a crash leaves a stray file, never a row without one
    store.remove(UploadRepository::thumbnailKey(removed));
    return noContent();
}
} // namespace

void addUploadRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/uploads"), [&context](RequestContext &rc) { return listUploads(context, rc); });
    router.add("DELETE", QStringLiteral("/api/uploads/{id}"), [&context](RequestContext &rc) { return deleteUpload(context, rc); });
    router.add("POST", QStringLiteral("/api/uploads"), [&context](RequestContext &rc) { return upload(context, rc); });
    router.add("GET", QStringLiteral("/api/uploads/{id}/file"), [&context](RequestContext &rc) { return uploadFile(context, rc); });
}

} // namespace vesper::backend
