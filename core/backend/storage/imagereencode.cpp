#include "backend/storage/imagereencode.h"
#include "domain/domainerror.h"

#include <QBuffer>
#include <QColorSpace>
#include <QImageWriter>

namespace vesper::backend {
namespace {
constexpr int kJpegQuality = 92;
constexpr int kWebpQuality = 90;
} // namespace

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

} // namespace vesper::backend
