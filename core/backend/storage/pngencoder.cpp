#include "backend/storage/pngencoder.h"

#include <QtEndian>
#include <cstdlib>
#include <zlib.h>

namespace vesper::backend {

namespace {

void appendChunk(QByteArray &out, const char *type, const QByteArray &data)
{
    char length[4];
    qToBigEndian<quint32>(quint32(data.size()), length);
    out.append(length, 4);
    const qsizetype start = out.size();
    out.append(type, 4);
    out.append(data);
    const uLong crc = crc32(0, reinterpret_cast<const Bytef *>(out.constData() + start), uInt(out.size() - start));
    char crcBytes[4];
    qToBigEndian<quint32>(quint32(crc), crcBytes);
    out.append(crcBytes, 4);
}

inline uchar paeth(int a, int b, int c)
{
    const int p = a + b - c;
    const int pa = std::abs(p - a);
    const int pb = std::abs(p - b);
    const int pc = std::abs(p - c);
    return uchar(pa <= pb && pa <= pc ? a : (pb <= pc ? b : c));
}

} // namespace

QByteArray encodePng(const QImage &source)
{
    if (source.isNull())
        return {};
    const bool alpha = source.hasAlphaChannel();
    const QImage image = source.convertToFormat(alpha ? QImage::Format_ARGB32 : QImage::Format_RGB32);
    const int width = image.width();
    const int height = image.height();
    const int channels = alpha ? 4 : 3;
    const qsizetype rowBytes = qsizetype(width) * channels;

    // Filtered scanlines: a filter-type byte (4, Paeth) then the differences.
    QByteArray filtered((rowBytes + 1) * height, Qt::Uninitialized);
    QByteArray previous(rowBytes, '\0');
    QByteArray current(rowBytes, Qt::Uninitialized);
    for (int y = 0; y < height; ++y) {
        const QRgb *pixels = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        uchar *cur = reinterpret_cast<uchar *>(current.data());
        for (int x = 0; x < width; ++x) {
            uchar *out = cur + qsizetype(x) * channels;
            out[0] = uchar(qRed(pixels[x]));
            out[1] = uchar(qGreen(pixels[x]));
            out[2] = uchar(qBlue(pixels[x]));
            if (alpha)
                out[3] = uchar(qAlpha(pixels[x]));
        }
        const uchar *prev = reinterpret_cast<const uchar *>(previous.constData());
        uchar *row = reinterpret_cast<uchar *>(filtered.data()) + qsizetype(y) * (rowBytes + 1);
        row[0] = 4;
        for (qsizetype i = 0; i < rowBytes; ++i) {
            const int left = i >= channels ? cur[i - channels] : 0;
            const int upLeft = i >= channels ? prev[i - channels] : 0;
            row[1 + i] = uchar(cur[i] - paeth(left, prev[i], upLeft));
        }
        previous.swap(current);
    }

    z_stream stream{};
    if (deflateInit2(&stream, 6, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
        return {};
    QByteArray compressed(qsizetype(deflateBound(&stream, uLong(filtered.size()))), Qt::Uninitialized);
    stream.next_in = reinterpret_cast<Bytef *>(filtered.data());
    stream.avail_in = uInt(filtered.size());
    stream.next_out = reinterpret_cast<Bytef *>(compressed.data());
    stream.avail_out = uInt(compressed.size());
    const int status = deflate(&stream, Z_FINISH);
    compressed.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    if (status != Z_STREAM_END)
        return {};

    QByteArray header(13, '\0');
    qToBigEndian<quint32>(quint32(width), header.data());
    qToBigEndian<quint32>(quint32(height), header.data() + 4);
    header[8] = 8;                  // bits per channel
    header[9] = char(alpha ? 6 : 2); // RGBA or RGB; compression, filter and interlace bytes stay 0
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png.reserve(png.size() + compressed.size() + 64);
    appendChunk(png, "IHDR", header);
    appendChunk(png, "IDAT", compressed);
    appendChunk(png, "IEND", {});
    return png;
}

} // namespace vesper::backend
