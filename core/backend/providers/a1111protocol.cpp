#include "backend/providers/a1111protocol.h"
#include "backend/providers/providerhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cmath>

namespace vesper::backend::a1111 {
namespace {
// Middle-of-the-road settings for SD 1.5 / SDXL checkpoints; the web UI's own defaults are similar.
constexpr int kSteps = 25;
constexpr double kCfgScale = 7.0;
const char *const kSampler = "Euler a";
} // namespace

QString providerName()
{
    return QStringLiteral("Stable Diffusion web UI");
}

QByteArray txt2imgBody(const GenerationRequest &request, const ImageSize &size)
{
    const QJsonObject body{{QStringLiteral("prompt"), request.prompt},
                           {QStringLiteral("negative_prompt"), request.negativePrompt},
                           {QStringLiteral("width"), size.width},
                           {QStringLiteral("height"), size.height},
                           {QStringLiteral("seed"), double(request.seed)},
                           {QStringLiteral("batch_size"), request.numOutputs},
                           {QStringLiteral("n_iter"), 1},
                           {QStringLiteral("steps"), kSteps},
                           {QStringLiteral("cfg_scale"), kCfgScale},
                           {QStringLiteral("sampler_name"), QLatin1String(kSampler)},
                           // The images come back in the answer; nothing piles up on the web UI's disk.
                           {QStringLiteral("save_images"), false},
                           {QStringLiteral("send_images"), true}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

int progressPercent(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonValue progress = o.value(QStringLiteral("progress"));
    if (!progress.isDouble())
        return -1;
    const double fraction = progress.toDouble();
    if (!std::isfinite(fraction) || fraction <= 0)
        return -1; // idle, or our job is still waiting behind another one
    return qBound(1, int(std::lround(fraction * 100)), 99);
}

ProviderResult imagesFrom(const QByteArray &body, int numOutputs)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject())
        return badResponse(providerName(), QStringLiteral("the answer is not JSON"));
    const QJsonValue imagesValue = doc.object().value(QStringLiteral("images"));
    if (!imagesValue.isArray())
        return badResponse(providerName(), QStringLiteral("the answer has no images"));
    const QJsonArray images = imagesValue.toArray();
    // With a batch the web UI puts a grid of all images first; "info" says where ours begin.
    const QJsonObject info = QJsonDocument::fromJson(doc.object().value(QStringLiteral("info")).toString().toUtf8()).object();
    int first = info.value(QStringLiteral("index_of_first_image")).toInt(0);
    if (first < 0 || first >= images.size())
        first = 0;
    if (images.size() - first < numOutputs)
        return badResponse(providerName(), QStringLiteral("%1 of %2 images came back").arg(images.size() - first).arg(numOutputs));

    ProviderResult result;
    for (int i = first; i < first + numOutputs; ++i) {
        QByteArray text = images.at(i).toString().toLatin1();
        const qsizetype comma = text.indexOf(',');
        if (text.startsWith("data:") && comma > 0)
            text = text.mid(comma + 1); // some versions answer data URLs
        const auto decoded = QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
        GeneratedImage image;
        if (!decoded || !decodeProviderImage(*decoded, &image))
            return badResponse(providerName(), QStringLiteral("image %1 does not decode").arg(i - first + 1));
        result.images.append(image);
    }
    result.ok = true;
    return result;
}

} // namespace vesper::backend::a1111
