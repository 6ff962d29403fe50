#include "backend/storage/webpencoder.h"

#include <webp/encode.h>

namespace vesper::backend {
namespace {
constexpr int kMethod = 2; // libwebp's effort, 0 (fastest) to 6; see the header for the numbers
}

QByteArray encodeWebp(const QImage &image, int quality)
{
    if (image.isNull())
        return {};
    const QImage rgba = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_RGBA8888 : QImage::Format_RGBX8888);
    WebPConfig config;
    WebPPicture picture;
    if (!WebPConfigInit(&config) || !WebPPictureInit(&picture))
        return {};
    config.quality = float(qBound(0, quality, 100));
    config.method = kMethod;
    picture.width = rgba.width();
    picture.height = rgba.height();
    const bool imported = image.hasAlphaChannel() ? WebPPictureImportRGBA(&picture, rgba.constBits(), int(rgba.bytesPerLine()))
                                                  : WebPPictureImportRGBX(&picture, rgba.constBits(), int(rgba.bytesPerLine()));
    if (!imported) {
        WebPPictureFree(&picture);
        return {};
    }
    WebPMemoryWriter writer;
    WebPMemoryWriterInit(&writer);
    picture.writer = WebPMemoryWrite;
    picture.custom_ptr = &writer;
    const bool ok = WebPEncode(&config, &picture);
    QByteArray bytes = ok ? QByteArray(reinterpret_cast<const char *>(writer.mem), qsizetype(writer.size)) : QByteArray();
    WebPMemoryWriterClear(&writer);
    WebPPictureFree(&picture);
    return bytes;
}

} // namespace vesper::backend
