#pragma once
// The graph ComfyUI runs for one generation: the built-in text-to-image workflow, or an API-format
// workflow file from VESPER_COMFYUI_WORKFLOW with the request's values put in its placeholders.
#include <QJsonObject>
#include <QString>

namespace vesper::backend {

/// What a workflow needs from the request.
struct ComfyUiInputs {
    QString prompt;
    QString negativePrompt;
    int width = 0;
    int height = 0;
    int batchSize = 1;
    qint64 seed = 0;
    QString checkpoint;
};

/// Builds the API-format graph ({node id: {class_type, inputs}}) sent with POST /prompt.
class ComfyUiWorkflow {
public:
    /// CheckpointLoaderSimple → CLIPTextEncode ×2 → EmptyLatentImage → KSampler → VAEDecode → SaveImage.
    static QJsonObject standard(const ComfyUiInputs &inputs);
    /// The file at path with every string value equal to "{{prompt}}", "{{negative_prompt}}",
    /// "{{width}}", "{{height}}", "{{seed}}" or "{{batch_size}}" replaced by the value. An empty
    /// object and a readable *error (naming the setting) when it cannot be used.
    static QJsonObject fromFile(const QString &path, const ComfyUiInputs &inputs, QString *error);
    /// How many sampling nodes the graph has (at least 1), to scale their progress into one bar.
    static int samplerCount(const QJsonObject &graph);
};

} // namespace vesper::backend
