// POST /api/uploads: a reference image, checked by decoding (PNG, JPEG or WebP, whatever the
// Content-Type says), re-encoded so no metadata survives, stored as a file and owned by the uploader;
// idempotent with an Idempotency-Key. GET /api/uploads/{id}/file reads it (or its thumbnail) back.
#include "backend/access/uploadaccess.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "domain/domainerror.h"
#include "backend/http/fileresponse.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QBuffer>
#include <QColorSpace>
#include <QCryptographicHash>
#include <QImage>
#include <QImageWriter>

namespace vesper::backend {
namespace {
constexpr int kJpegQuality = 92;
constexpr int kWebpQuality = 90;

struct Encoded {
    QByteArray bytes;
    QString extension;
    QString mime;
    int width = 0;
    int height = 0;
};

/// The decoded pixels written again in their own format; text chunks and EXIF are not carried over.
/// The decode applied a camera's EXIF orientation, so the stored image stands the way it was shot.
Encoded reencode(const QImage &decoded, const QString &format)
{
    // A fresh image over the same pixels has no text; the colour space is kept so colours stay right.
    QImage clean(decoded.constBits(), decoded.width(), decoded.height(), decoded.bytesPerLine(), decoded.format());
    clean = clean.copy();
    if (decoded.colorCount() > 0)
        clean.setColorTable(decoded.colorTable());
    clean.setColorSpace(decoded.colorSpace());
    Encoded out;
    QByteArray writerFormat;
    int quality = -1;
    if (format == QLatin1String("jpeg")) {
        out = {{}, QStringLiteral("jpg"), QStringLiteral("image/jpeg")};
        writerFormat = "jpeg";
        quality = kJpegQuality;
    } else if (format == QLatin1String("webp")) {
        out = {{}, QStringLiteral("webp"), QStringLiteral("image/webp")};
        writerFormat = "webp";
        quality = kWebpQuality;
    } else {
        out = {{}, QStringLiteral("png"), QStringLiteral("image/png")};
        writerFormat = "png";
    }
    QBuffer buffer(&out.bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, writerFormat);
    if (quality >= 0)
        writer.setQuality(quality);
    if (!writer.write(clean))
        throw DomainError(ErrorCode::Internal, QStringLiteral("the image could not be encoded"));
    out.width = clean.width();
    out.height = clean.height();
    return out;
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
    QString format;
    QString reason;
    // Once: checked, capped, upright.
    const QImage decoded = request.bodyFile ? decodeCheckedImage(request.bodyFile.get(), &format, &reason)
                                            : decodeCheckedImage(request.body, &format, &reason);
    if (decoded.isNull())
        throw DomainError::validation(QStringLiteral("not a PNG, JPEG or WebP image"));
    const Encoded encoded = reencode(decoded, format);
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
        QSqlDatabase db = context.db.connection();
        Transaction tx(context.db, db);
        SqlQuery insert(db, QStringLiteral("INSERT INTO uploads (id, user_id, storage_key, mime, bytes, sha256, width, height, created_at) "
                                           "VALUES (:id, :u, :k, :m, :b, :sha, :w, :h, %1)")
                                .arg(context.db.timeParam(QStringLiteral(":now"))));
        insert.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":u"), rc.userId).bind(QStringLiteral(":k"), key)
            .bind(QStringLiteral(":m"), encoded.mime).bind(QStringLiteral(":b"), qint64(encoded.bytes.size()))
            .bind(QStringLiteral(":sha"), sha256).bind(QStringLiteral(":w"), width).bind(QStringLiteral(":h"), height)
            .bind(QStringLiteral(":now"), now).exec();
        tx.commit();
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
            const QByteArray bytes = original ? makeThumbnail(*original, ThumbnailSide, &error) : QByteArray();
            if (bytes.isEmpty() || !store.put(key, bytes, &error)) // atomic: a twin writes the same bytes
                throw DomainError::notFound(QStringLiteral("file"));
        }
    }
    const QByteArray etag = '"' + upload.sha256.toLatin1() + (thumb ? "-thumb" : "") + '"';
    return storedFileResponse(rc.request, store, key, etag);
}
} // namespace

void addUploadRoutes(Router &router, ServerContext &context)
{
    router.add("POST", QStringLiteral("/api/uploads"), [&context](RequestContext &rc) { return upload(context, rc); });
    router.add("GET", QStringLiteral("/api/uploads/{id}/file"), [&context](RequestContext &rc) { return uploadFile(context, rc); });
}

} // namespace vesper::backend
