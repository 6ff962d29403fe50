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

QByteArray txt2imgBody(const GenerationRequest &request, const ImageSize &size, const QString &taskId)
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
                           {QStringLiteral("send_images"), true},
                           {QStringLiteral("force_task_id"), taskId}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray taskProgressBody(const QString &taskId)
{
    const QJsonObject body{{QStringLiteral("id_task"), taskId},
                           {QStringLiteral("id_live_preview"), -1},
                           {QStringLiteral("live_preview"), false}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

TaskProgress taskProgress(const QByteArray &body)
{
    TaskProgress out;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (!o.value(QStringLiteral("active")).isBool())
        return out;
    out.valid = true;
    out.active = o.value(QStringLiteral("active")).toBool();
    out.queued = o.value(QStringLiteral("queued")).toBool();
    out.completed = o.value(QStringLiteral("completed")).toBool();
    out.progress = o.value(QStringLiteral("progress")).toDouble(0); // null when not active
    return out;
}

ProgressState progressState(const QByteArray &body)
{
    ProgressState out;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonObject state = o.value(QStringLiteral("state")).toObject();
    if (!o.value(QStringLiteral("progress")).isDouble() || state.isEmpty())
        return out;
    out.valid = true;
    out.currentTask = o.value(QStringLiteral("current_task")).toString();
    out.job = state.value(QStringLiteral("job")).toString();
    out.jobTimestamp = state.value(QStringLiteral("job_timestamp")).toString();
    out.jobCount = state.value(QStringLiteral("job_count")).toInt();
    out.samplingStep = state.value(QStringLiteral("sampling_step")).toInt();
    out.samplingSteps = state.value(QStringLiteral("sampling_steps")).toInt();
    out.interrupted = state.value(QStringLiteral("interrupted")).toBool();
    out.skipped = state.value(QStringLiteral("skipped")).toBool();
    out.progress = o.value(QStringLiteral("progress")).toDouble();
    return out;
}

int progressPercent(const ProgressState &state)
{
    if (state.task.valid) {
        // progressapi's own sum of job_no and sampling_step: 0 until n_iter is set, no 0.01 added.
        if (!state.task.active || !std::isfinite(state.task.progress) || state.task.progress <= 0)
            return -1;
        return qBound(1, int(std::lround(state.task.progress * 100)), 99);
    }
    // job_count is -1 until process_images sets n_iter; the 0.01 the web UI reports then is not progress.
    if (!state.valid || state.jobCount <= 0 || !std::isfinite(state.progress) || state.progress <= 0.01)
        return -1;
    return qBound(1, int(std::lround(state.progress * 100)), 99);
}

QString jobTimestampOf(const QByteArray &body)
{
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    const QJsonObject info = QJsonDocument::fromJson(o.value(QStringLiteral("info")).toString().toUtf8()).object();
    return info.value(QStringLiteral("job_timestamp")).toString();
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
