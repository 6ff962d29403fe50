#include "backend/providers/geminireferences.h"
#include "backend/providers/provider.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>

namespace vesper::backend::gemini {

QByteArray referenceForUpload(const QByteArray &bytes, QString *mime)
{
    const QString original = imageMimeOf(bytes);
    *mime = original.isEmpty() ? QStringLiteral("image/png") : original;
    QBuffer input;
    input.setData(bytes);
    input.open(QIODevice::ReadOnly);
    QImageReader reader(&input);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    const bool tooLarge = size.isValid() && qMax(size.width(), size.height()) > kReferenceLongestSide;
    if (!tooLarge && bytes.size() <= kReferenceMaxBytes)
        return bytes;
    if (tooLarge) // decoding at the smaller size spares the memory of a full 12-megapixel picture
        reader.setScaledSize(size.scaled(kReferenceLongestSide, kReferenceLongestSide, Qt::KeepAspectRatio));
    QImage image = reader.read();
    if (image.isNull())
        return bytes; // what Qt cannot read, Gemini is asked to
    if (qMax(image.width(), image.height()) > kReferenceLongestSide) // a reader that ignored the scaled size
        image = image.scaled(kReferenceLongestSide, kReferenceLongestSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    const bool alpha = image.hasAlphaChannel();
    QByteArray out;
    QBuffer buffer(&out);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, alpha ? "PNG" : "JPEG", alpha ? -1 : 88) || (out.size() >= bytes.size() && !tooLarge))
        return bytes;
    *mime = alpha ? QStringLiteral("image/png") : QStringLiteral("image/jpeg");
    return out;
}

} // namespace vesper::backend::gemini
