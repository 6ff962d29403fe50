#include "backend/generation/providers/comfyuiimages.h"
#include "backend/generation/remote/providerhttp.h"

#include <QBuffer>
#include <QImage>
#include <QUrl>
#include <QtEndian>

namespace vesper::backend {
namespace {
const QString kName = QStringLiteral("ComfyUI");
const QByteArray kPngSignature("\x89PNG\r\n\x1a\n", 8);

QString viewUrl(const QString &baseUrl, const ComfyUiImageRef &ref)
{
    // Every value percent-encoded by hand: QUrlQuery leaves '&', '+' and '=' ambiguous.
    return QStringLiteral("%1/view?filename=%2&subfolder=%3&type=%4")
        .arg(baseUrl, QString::fromLatin1(QUrl::toPercentEncoding(ref.filename)),
             QString::fromLatin1(QUrl::toPercentEncoding(ref.subfolder)),
             QString::fromLatin1(QUrl::toPercentEncoding(ref.type.isEmpty() ? QStringLiteral("output") : ref.type)));
}

} // namespace

QByteArray ComfyUiImages::withoutPngText(const QByteArray &bytes)
{
    if (!bytes.startsWith(kPngSignature))
        return bytes;
    QByteArray out = kPngSignature;
    qsizetype pos = kPngSignature.size();
    // Chunks: 4-byte length, 4-byte type, data, 4-byte CRC. Anything malformed: keep the original.
    while (pos + 12 <= bytes.size()) {
        const quint32 length = qFromBigEndian<quint32>(bytes.constData() + pos);
        const qsizetype total = 12 + qsizetype(length);
        if (length > quint32(bytes.size()) || pos + total > bytes.size())
            return bytes;
        const QByteArray type = bytes.mid(pos + 4, 4);
        if (type != "tEXt" && type != "zTXt" && type != "iTXt")
            out.append(bytes.constData() + pos, total);
        pos += total;
        if (type == "IEND")
            return out;
    }
    return bytes;
}

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
            bytes = withoutPngText(bytes);
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
