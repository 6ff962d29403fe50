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
/// Why a checked decode refused the bytes: not an image we take, or more pixels than allowed
/// (told apart so the caller can say which).
enum class DecodeRefusal { None, NotAnImage, TooManyPixels, Undecodable };

/// Only the header of a reference image: its format and its size against `maxPixels`, no pixels
/// decoded. Cheap enough for an HTTP thread, so a decompression bomb never takes a decode slot.
bool checkReferenceHeader(const QByteArray &bytes, qint64 maxPixels, QString *error, DecodeRefusal *refusal);
/// A reference image's check: the header's size against `maxPixels` before any pixel is decoded
/// (a small file that claims 5600 × 5600 costs nothing), then the full decode under an allocation
/// limit that matches the cap. Null image with a reason and the refusal otherwise.
QImage decodeReferenceImage(const QByteArray &bytes, qint64 maxPixels, QString *format, QString *error, DecodeRefusal *refusal);
/// The same check, keeping the picture (turned upright by its EXIF orientation): a null image with
/// a reason for anything decodeImageInfo refuses.
QImage decodeCheckedImage(const QByteArray &bytes, QString *format, QString *error);
/// The same from an open device (an upload spooled to a file), read from its current position.
QImage decodeCheckedImage(QIODevice *device, QString *format, QString *error);

} // namespace vesper::backend
