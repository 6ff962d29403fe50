#include "backend/storage/thumbnailer.h"
#include "backend/storage/webpencoder.h"

#include <QBuffer>
#include <QImageReader>
#include <cmath>

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
QImage decodeFrom(QIODevice *device, QString *format, QString *error, int fitInto = 0, qint64 maxPixels = MaxDecodePixels,
                  DecodeRefusal *refusal = nullptr)
{
    const auto refuse = [refusal](DecodeRefusal why) {
        if (refusal)
            *refusal = why;
    };
    QImageReader reader(device);
    reader.setDecideFormatFromContent(true);
    reader.setAutoTransform(true); // a phone JPEG's EXIF orientation
    const QString kind = detectedFormat(reader);
    if (kind.isEmpty()) {
        fail(error, QStringLiteral("not a PNG, JPEG or WebP image"));
        refuse(DecodeRefusal::NotAnImage);
        return {};
    }
    const QSize size = reader.size(); // from the header: nothing is decoded yet
    if (!size.isValid() || size.isEmpty()) {
        fail(error, QStringLiteral("the image has no size in its header"));
        refuse(DecodeRefusal::Undecodable);
        return {};
    }
    const qint64 pixels = qint64(size.width()) * size.height();
    if (size.width() > MaxDecodeSide || size.height() > MaxDecodeSide || pixels > maxPixels) {
        const int side = int(std::sqrt(double(maxPixels)));
        fail(error, pixels > maxPixels
                        ? QStringLiteral("the image is %1 × %2 pixels, more than the %3 pixels (%4 × %4) accepted")
                              .arg(size.width()).arg(size.height()).arg(maxPixels).arg(side)
                        : QStringLiteral("the image is %1 × %2 pixels; a side may be at most %3 pixels")
                              .arg(size.width()).arg(size.height()).arg(MaxDecodeSide));
        refuse(DecodeRefusal::TooManyPixels);
        return {};
    }
    // Qt's own guard, in step with the cap: 8 bytes a pixel covers 16-bit RGBA, the widest format a
    // PNG decodes to. Only ever lowered from Qt's 256 MB default, never raised.
    const qint64 allocationMb = maxPixels * 8 / (1024 * 1024) + 1;
    if (allocationMb < 256)
        reader.setAllocationLimit(int(allocationMb));
    if (fitInto > 0 && kind == QLatin1String("jpeg") && qMax(size.width(), size.height()) > fitInto)
        reader.setScaledSize(size.scaled(fitInto, fitInto, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull()) {
        fail(error, QStringLiteral("the image could not be decoded: ") + reader.errorString());
        refuse(DecodeRefusal::Undecodable);
        return {};
    }
    if (format)
        *format = kind;
    return image;
}

QImage decode(const QByteArray &bytes, QString *format, QString *error, int fitInto = 0, qint64 maxPixels = MaxDecodePixels,
             DecodeRefusal *refusal = nullptr)
{
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return decodeFrom(&buffer, format, error, fitInto, maxPixels, refusal);
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

bool checkReferenceHeader(const QByteArray &bytes, qint64 maxPixels, QString *error, DecodeRefusal *refusal)
{
    // The same checks decode() makes before reading pixels, and nothing more: a format probe and
    // the header's size, microseconds even for a file that declares gigapixels.
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    reader.setDecideFormatFromContent(true);
    *refusal = DecodeRefusal::None;
    if (detectedFormat(reader).isEmpty()) {
        *refusal = DecodeRefusal::NotAnImage;
        return fail(error, QStringLiteral("not a PNG, JPEG or WebP image"));
    }
    const QSize size = reader.size();
    if (!size.isValid() || size.isEmpty()) {
        *refusal = DecodeRefusal::Undecodable;
        return fail(error, QStringLiteral("the image has no size in its header"));
    }
    const qint64 cap = qMin(maxPixels, MaxDecodePixels);
    if (qint64(size.width()) * size.height() > cap || size.width() > MaxDecodeSide || size.height() > MaxDecodeSide) {
        *refusal = DecodeRefusal::TooManyPixels;
        return fail(error, qint64(size.width()) * size.height() > cap
                               ? QStringLiteral("the image is %1 × %2 pixels, more than the %3 pixels (%4 × %4) accepted")
                                     .arg(size.width()).arg(size.height()).arg(cap).arg(int(std::sqrt(double(cap))))
                               : QStringLiteral("the image is %1 × %2 pixels; a side may be at most %3 pixels")
                                     .arg(size.width()).arg(size.height()).arg(MaxDecodeSide));
    }
    return true;
}

QImage decodeReferenceImage(const QByteArray &bytes, qint64 maxPixels, QString *format, QString *error, DecodeRefusal *refusal)
{
    if (refusal)
        *refusal = DecodeRefusal::None;
    return decode(bytes, format, error, 0, qMin(maxPixels, MaxDecodePixels), refusal);
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
