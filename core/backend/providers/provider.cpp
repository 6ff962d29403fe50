#include "backend/providers/provider.h"

#include <QtEndian>

#include <cmath>

namespace vesper::backend {

namespace {

constexpr int MinResolution = 64;
constexpr int MaxResolution = 4096;
constexpr int MaxRatioTerm = 64; // "21:9" or "3:2", not "1000000:1"

int ratioTerm(QStringView text)
{
    if (text.isEmpty() || text.size() > 2)
        return 0;
    for (const QChar c : text) {
        if (!c.isDigit() || c.unicode() > u'9')
            return 0;
    }
    const int value = text.toInt();
    return value >= 1 && value <= MaxRatioTerm ? value : 0;
}

} // namespace

ImageSize imageSizeFor(const QString &aspectRatio, int resolution)
{
    if (resolution < MinResolution || resolution > MaxResolution)
        return {};
    const qsizetype colon = aspectRatio.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return {};
    const int w = ratioTerm(QStringView(aspectRatio).left(colon));
    const int h = ratioTerm(QStringView(aspectRatio).mid(colon + 1));
    if (w == 0 || h == 0)
        return {};
    // The longest side is the resolution; the other is rounded to a multiple of 8, which every
    // diffusion backend needs, and never below 8.
    const int longest = resolution;
    const int shorter = qMax(8, int(std::lround(double(longest) * qMin(w, h) / qMax(w, h) / 8.0)) * 8);
    return w >= h ? ImageSize{longest, qMin(shorter, longest)} : ImageSize{qMin(shorter, longest), longest};
}

QString imageMimeOf(const QByteArray &bytes)
{
    if (bytes.startsWith("\x89PNG\r\n\x1a\n"))
        return QStringLiteral("image/png");
    if (bytes.startsWith("\xff\xd8\xff"))
        return QStringLiteral("image/jpeg");
    if (bytes.size() >= 12 && bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP")
        return QStringLiteral("image/webp");
    return {};
}

QByteArray pngWithoutText(const QByteArray &bytes)
{
    static const QByteArray kPngSignature("\x89PNG\r\n\x1a\n", 8);
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

bool decodeProviderImage(const QByteArray &bytes, GeneratedImage *image)
{
    const QString mime = imageMimeOf(bytes);
    if (mime.isEmpty())
        return false;
    const QImage decoded = QImage::fromData(bytes, mime.mid(6).toUpper().toLatin1().constData());
    if (decoded.isNull())
        return false;
    // A PNG's text chunks go: web UIs write the prompt, seed and model there, and the stored file
    // is served to everyone who may see the image.
    image->bytes = mime == QLatin1String("image/png") ? pngWithoutText(bytes) : bytes;
    image->mime = mime;
    image->width = decoded.width();
    image->height = decoded.height();
    image->image = decoded;
    return true;
}

ProviderResult stoppedResult()
{
    ProviderResult result;
    result.errorCode = failureCodeName(FailureCode::Cancelled);
    result.errorMessage = QStringLiteral("the generation was stopped");
    return result;
}

} // namespace vesper::backend
