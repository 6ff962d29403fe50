#pragma once
#include <QByteArray>

namespace vesper::backend {
/// Compresses with zlib in gzip framing (Content-Encoding: gzip); empty on failure.
QByteArray gzipCompress(const QByteArray &data, int level = 5);
}
