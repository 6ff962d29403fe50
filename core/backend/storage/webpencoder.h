#pragma once
// A fast WebP writer for thumbnails. Qt's writer runs libwebp at its default effort (method 4):
// about 20 ms for a 512×512 picture here. Method 2 gives a file about 1 % larger in 8 ms, and
// thumbnails are made for every image a provider returns.
#include <QByteArray>
#include <QImage>

namespace vesper::backend {

/// Lossy WebP bytes of `image` at `quality` (0–100); empty for a null image or when encoding fails.
QByteArray encodeWebp(const QImage &image, int quality);

} // namespace vesper::backend
