#include "backend/providers/comfyuiworkflow.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::backend {
namespace {
constexpr qint64 kMaxWorkflowBytes = 4 << 20;
const QString kSetting = QStringLiteral("VESPER_COMFYUI_WORKFLOW");

QJsonObject node(const QString &classType, const QJsonObject &inputs)
{
    return {{QStringLiteral("class_type"), classType}, {QStringLiteral("inputs"), inputs}};
}

// An input wired to another node's output: [node id, output index].
QJsonArray link(const char *nodeId, int output)
{
    return {QString::fromLatin1(nodeId), output};
}

QJsonValue substitute(const QJsonValue &value, const ComfyUiInputs &in, bool *sawPrompt)
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = substitute(it.value(), in, sawPrompt);
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            array[i] = substitute(array.at(i), in, sawPrompt);
        return array;
    }
    if (!value.isString())
        return value;
    // Only whole values: a placeholder inside longer text is the workflow author's own text.
    const QString text = value.toString();
    if (text == QLatin1String("{{prompt}}")) {
        *sawPrompt = true;
        return in.prompt;
    }
    if (text == QLatin1String("{{negative_prompt}}"))
        return in.negativePrompt;
    if (text == QLatin1String("{{width}}"))
        return in.width;
    if (text == QLatin1String("{{height}}"))
        return in.height;
    if (text == QLatin1String("{{seed}}"))
        return double(in.seed); // exact: seeds are below 2^53
    if (text == QLatin1String("{{batch_size}}"))
        return in.batchSize;
    return value;
}
} // namespace

QJsonObject ComfyUiWorkflow::standard(const ComfyUiInputs &in)
{
    QJsonObject graph;
    graph.insert(QStringLiteral("4"), node(QStringLiteral("CheckpointLoaderSimple"), {{QStringLiteral("ckpt_name"), in.checkpoint}}));
    graph.insert(QStringLiteral("6"), node(QStringLiteral("CLIPTextEncode"),
                                           {{QStringLiteral("text"), in.prompt}, {QStringLiteral("clip"), link("4", 1)}}));
    graph.insert(QStringLiteral("7"), node(QStringLiteral("CLIPTextEncode"),
                                           {{QStringLiteral("text"), in.negativePrompt}, {QStringLiteral("clip"), link("4", 1)}}));
    graph.insert(QStringLiteral("5"), node(QStringLiteral("EmptyLatentImage"),
                                           {{QStringLiteral("width"), in.width}, {QStringLiteral("height"), in.height},
                                            {QStringLiteral("batch_size"), in.batchSize}}));
    graph.insert(QStringLiteral("3"), node(QStringLiteral("KSampler"),
                                           {{QStringLiteral("seed"), double(in.seed)}, {QStringLiteral("steps"), 25},
                                            {QStringLiteral("cfg"), 7}, {QStringLiteral("sampler_name"), QStringLiteral("euler")},
                                            {QStringLiteral("scheduler"), QStringLiteral("normal")}, {QStringLiteral("denoise"), 1},
                                            {QStringLiteral("model"), link("4", 0)}, {QStringLiteral("positive"), link("6", 0)},
                                            {QStringLiteral("negative"), link("7", 0)}, {QStringLiteral("latent_image"), link("5", 0)}}));
    graph.insert(QStringLiteral("8"), node(QStringLiteral("VAEDecode"),
                                           {{QStringLiteral("samples"), link("3", 0)}, {QStringLiteral("vae"), link("4", 2)}}));
    graph.insert(QStringLiteral("9"), node(QStringLiteral("SaveImage"),
                                           {{QStringLiteral("filename_prefix"), QStringLiteral("vesper")}, {QStringLiteral("images"), link("8", 0)}}));
    return graph;
}

QJsonObject ComfyUiWorkflow::fromFile(const QString &path, const ComfyUiInputs &inputs, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("the ComfyUI workflow file (%1) cannot be read: %2").arg(kSetting, file.errorString());
        return {};
    }
    if (file.size() > kMaxWorkflowBytes) {
        *error = QStringLiteral("the ComfyUI workflow file (%1) is larger than 4 MiB").arg(kSetting);
        return {};
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError || !doc.isObject() || doc.object().isEmpty()) {
        *error = QStringLiteral("the ComfyUI workflow file (%1) is not a JSON object: %2")
                     .arg(kSetting, parse.error != QJsonParseError::NoError ? parse.errorString() : QStringLiteral("empty"));
        return {};
    }
    const QJsonObject graph = doc.object();
    for (auto it = graph.begin(); it != graph.end(); ++it) {
        // The UI's own format ({"nodes": [...], "links": [...]}) is the usual mistake; ComfyUI refuses it.
        if (!it.value().isObject() || !it.value().toObject().value(QStringLiteral("class_type")).isString()) {
            *error = QStringLiteral("the ComfyUI workflow file (%1) is not in API format (export it with \"Save (API Format)\")")
                         .arg(kSetting);
            return {};
        }
    }
    bool sawPrompt = false;
    const QJsonObject filled = substitute(graph, inputs, &sawPrompt).toObject();
    if (!sawPrompt) {
        *error = QStringLiteral("the ComfyUI workflow file (%1) has no \"{{prompt}}\" value, so the prompt would be ignored")
                     .arg(kSetting);
        return {};
    }
    return filled;
}

int ComfyUiWorkflow::samplerCount(const QJsonObject &graph)
{
    int count = 0;
    for (auto it = graph.begin(); it != graph.end(); ++it) {
        const QString classType = it.value().toObject().value(QStringLiteral("class_type")).toString();
        count += classType.startsWith(QLatin1String("KSampler")) || classType.startsWith(QLatin1String("SamplerCustom"));
    }
    return qMax(1, count);
}

} // namespace vesper::backend
