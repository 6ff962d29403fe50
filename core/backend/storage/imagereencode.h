#pragma once
// An uploaded image written again from its decoded pixels in its own format (PNG, JPEG or WebP), so
// no text chunk, EXIF block or trailing bytes of the upload survive into storage.
#include <QByteArray>
#include <QImage>
#include <QString>

namespace vesper::backend {

struct Encoded {
    QByteArray bytes;
    QString extension;
    QString mime;
    int width = 0;
    int height = 0;
};

/// The decoded pixels written again as `format` ("png", "jpeg" or "webp"); throws an internal
/// DomainError when the encoder fails.
Encoded reencode(const QImage &decoded, const QString &format);

} // namespace vesper::backend
