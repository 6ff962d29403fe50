#include "backend/storage/thumbnailer.h"
#include "backend/storage/webpencoder.h"

#include <QBuffer>
#include <QImageReader>

namespace vesper::backend {

namespace {

constexpr int WebpQuality = 80;
// Larger pictures are refused before decoding: no model produces them and a small file that
// claims to be huge is a decompression bomb.
constexpr int MaxDecodeSide = 12000;
// And in all: 12000 × 12000 would still be 576 MB of pixels from a small file.
constexpr qint64 MaxDecodePixels = 50LL * 1000 * 1000;

bool fail(QString *error, const QString &reason)
{
    if (error)
        *error = reason;
    return false;
}

QString detectedFormat(QImageReader &reader)
{
    const QByteArray format = reader.format().toLower();
    if (format == "png")
        return QStringLiteral("png");
    if (format == "jpeg" || format == "jpg")
        return QStringLiteral("jpeg");
    if (format == "webp")
        return QStringLiteral("webp");
    return {};
}

// Reads PNG/JPEG/WebP bytes into an image, refusing other formats and oversized pictures. With
// `fitInto` > 0 a JPEG is decoded straight at about that size (libjpeg's DCT scaling), several
// times cheaper than decoding it whole and scaling afterwards.
QImage decodeFrom(QIODevice *device, QString *format, QString *error, int fitInto = 0)
{
    QImageReader reader(device);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true); // a phone JPEG's EXIF orientation
    const QString kind = detectedFormat(reader);
    if (kind.isEmpty()) {
        fail(error, QStringLiteral("not a PNG, JPEG or WebP image"));
        return {};
    }
    const QSize size = reader.size();
    if (!size.isValid() || size.width() > MaxDecodeSide || size.height() > MaxDecodeSide
        || qint64(size.width()) * size.height() > MaxDecodePixels) {
        fail(error, QStringLiteral("the image is empty or too large"));
        return {};
    }
    if (fitInto > 0 && kind == QLatin1String("jpeg") && qMax(size.width(), size.height()) > fitInto)
        reader.setScaledSize(size.scaled(fitInto, fitInto, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        fail(error, QStringLiteral("the image could not be decoded: ") + reader.errorString());
        return {};
    }
    if (format)
        *format = kind;
    return image;
}

QImage decode(const QByteArray &bytes, QString *format, QString *error, int fitInto = 0)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return decodeFrom(&buffer, format, error, fitInto);
}

} // namespace

QByteArray makeThumbnail(const QImage &image, int longestSide, QString *error)
{
    if (image.isNull() || longestSide <= 0) {
        fail(error, QStringLiteral("no image to make a thumbnail of"));
        return {};
    }
    QImage scaled = image;
    if (qMax(image.width(), image.height()) > longestSide)
        scaled = image.scaled(longestSide, longestSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QByteArray bytes = encodeWebp(scaled, WebpQuality);
    if (bytes.isEmpty()) {
        fail(error, QStringLiteral("WebP encoding failed"));
        return {};
    }
    return bytes;
}

QByteArray makeThumbnail(const QByteArray &image, int longestSide, QString *error)
{
    const QImage decoded = decode(image, nullptr, error, longestSide);
    if (decoded.isNull())
        return {};
    return makeThumbnail(decoded, longestSide, error);
}

QImage decodeCheckedImage(const QByteArray &bytes, QString *format, QString *error)
{
    return decode(bytes, format, error);
}

QImage decodeCheckedImage(QIODevice *device, QString *format, QString *error)
{
    return decodeFrom(device, format, error);
}

bool decodeImageInfo(const QByteArray &bytes, int *width, int *height, QString *format)
{
    QString kind;
    const QImage image = decode(bytes, &kind, nullptr);
    if (image.isNull())
        return false;
    if (width)
        *width = image.width();
    if (height)
        *height = image.height();
    if (format)
        *format = kind;
    return true;
}

} // namespace vesper::backend
