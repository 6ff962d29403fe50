#pragma once
// Thumbnails and image checks: a WebP thumbnail of at most 512 pixels a side for every stored image,
// and a decode-based check that an upload really is a PNG, JPEG or WebP picture.
#include <QByteArray>
#include <QImage>
#include <QString>

class QIODevice;

namespace vesper::backend {

/// Longest side of a thumbnail (DESIGN §2).
constexpr int ThumbnailSide = 512;

/// WebP thumbnail of encoded image bytes, scaled (never up) so its longest side is `longestSide`;
/// empty with a reason when the bytes do not decode.
QByteArray makeThumbnail(const QByteArray &image, int longestSide = ThumbnailSide, QString *error = nullptr);
/// The same from an image already decoded (a provider's output), saving a decode.
QByteArray makeThumbnail(const QImage &image, int longestSide = ThumbnailSide, QString *error = nullptr);

/// Decodes `bytes` fully and accepts only PNG, JPEG or WebP; reports the size and the format
/// ("png", "jpeg" or "webp"). False for anything else, a truncated file, or an absurd size.
bool decodeImageInfo(const QByteArray &bytes, int *width, int *height, QString *format);
/// The same check, keeping the picture (turned upright by its EXIF orientation): a null image with
/// a reason for anything decodeImageInfo refuses.
QImage decodeCheckedImage(const QByteArray &bytes, QString *format, QString *error);
/// The same from an open device (an upload spooled to a file), read from its current position.
QImage decodeCheckedImage(QIODevice *device, QString *format, QString *error);

} // namespace vesper::backend
