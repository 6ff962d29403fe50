#include "backend/config/providerids.h"

namespace vesper::backend {

QList<QString> providerid::all()
{
    return {sketch(), a1111(), comfyUi(), gemini(), replicate()};
}

const QList<ModelEntry> &modelEntries()
{
    static const QList<ModelEntry> entries{
        {QStringLiteral("sketch"), providerid::sketch(), QStringLiteral("Sketch (procedural, offline)"),
         QStringLiteral("Built-in deterministic procedural images from the prompt and seed. Not a generative model: "
                        "it makes a fresh install work offline."),
         {}, {QStringLiteral("512"), QStringLiteral("1024")}, 0, 0},
        {QStringLiteral("a1111-sd"), providerid::a1111(), QStringLiteral("Stable Diffusion (web UI)"),
         QStringLiteral("Stable Diffusion through a local AUTOMATIC1111 web UI started with --api."), QStringLiteral("VESPER_A1111_URL"),
         {QStringLiteral("512"), QStringLiteral("1024")}, 1, 0},
        {QStringLiteral("comfyui"), providerid::comfyUi(), QStringLiteral("ComfyUI workflow"),
         QStringLiteral("A text-to-image workflow on a local ComfyUI server."), QStringLiteral("VESPER_COMFYUI_URL"),
         {QStringLiteral("512"), QStringLiteral("1024")}, 1, 0},
        {QStringLiteral("gemini-image"), providerid::gemini(), QStringLiteral("Gemini image"),
         QStringLiteral("Google Gemini image generation; takes up to 3 reference images."), QStringLiteral("GEMINI_API_KEY"),
         {QStringLiteral("1024")}, 4, 3},
        {QStringLiteral("replicate-flux"), providerid::replicate(), QStringLiteral("FLUX on Replicate"),
         QStringLiteral("FLUX predictions on Replicate."), QStringLiteral("REPLICATE_API_TOKEN"),
         {QStringLiteral("512"), QStringLiteral("1024")}, 3, 0},
    };
    return entries;
}

QString providerOfModel(const QString &modelId)
{
    for (const ModelEntry &entry : modelEntries()) {
        if (entry.modelId == modelId)
            return entry.providerId;
    }
    return {};
}

} // namespace vesper::backend
