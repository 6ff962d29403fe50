#include "backend/providers/comfyuiimages.h"
#include "backend/providers/providerhttp.h"

#include <QBuffer>
#include <QImage>
#include <QUrl>
#include <QtEndian>

namespace vesper::backend {
namespace {
const QString kName = QStringLiteral("ComfyUI");

QString viewUrl(const QString &baseUrl, const ComfyUiImageRef &ref)
{
    // Every value percent-encoded by hand: QUrlQuery leaves '&', '+' and '=' ambiguous.
    return QStringLiteral("%1/view?filename=%2&subfolder=%3&type=%4")
        .arg(baseUrl, QString::fromLatin1(QUrl::toPercentEncoding(ref.filename)),
             QString::fromLatin1(QUrl::toPercentEncoding(ref.subfolder)),
             QString::fromLatin1(QUrl::toPercentEncoding(ref.type.isEmpty() ? QStringLiteral("output") : ref.type)));
}

} // namespace

ProviderResult ComfyUiImages::fetch(ProviderHttp &http, const QString &baseUrl, const QList<ComfyUiImageRef> &refs)
{
    ProviderResult result;
    for (const ComfyUiImageRef &ref : refs) {
        const ProviderResponse response = http.get(viewUrl(baseUrl, ref));
        if (!response.ok())
            return failedCall(response, kName);
        QByteArray bytes = response.body;
        QImage image = QImage::fromData(bytes);
        if (image.isNull())
            return badResponse(kName, QStringLiteral("an image does not decode"));
        QString mime = imageMimeOf(bytes);
        if (mime.isEmpty()) {
            // A format the store does not keep (a custom save node's TIFF or BMP): store it as PNG.
            QBuffer buffer(&bytes);
            bytes.clear();
            buffer.open(QIODevice::WriteOnly);
            image.save(&buffer, "PNG");
            mime = QStringLiteral("image/png");
        } else {
            bytes = pngWithoutText(bytes);
        }
        GeneratedImage generated;
        generated.bytes = bytes;
        generated.mime = mime;
        generated.width = image.width();
        generated.height = image.height();
        generated.image = std::move(image); // the thumbnail is made from it without decoding again
        result.images.append(generated);
    }
    result.ok = true;
    return result;
}

} // namespace vesper::backend
