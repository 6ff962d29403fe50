#include "backend/http/gzip.h"

#include <zlib.h>

namespace vesper::backend {

QByteArray gzipCompress(const QByteArray &data, int level)
{
    z_stream stream{};
    // windowBits 15 + 16 selects the gzip wrapper.
    if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray out;
    out.resize(qsizetype(deflateBound(&stream, uLong(data.size())) + 32));
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    const int result = deflate(&stream, Z_FINISH);
    deflateEnd(&stream);
    if (result != Z_STREAM_END)
        return {};
    out.resize(qsizetype(stream.total_out));
    return out;
}

} // namespace vesper::backend
