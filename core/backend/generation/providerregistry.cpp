#include "backend/generation/providerregistry.h"
#include "backend/generation/providers/a1111provider.h"
#include "backend/generation/providers/comfyuiprovider.h"
#include "backend/generation/providers/geminiprovider.h"
#include "backend/generation/providers/replicateprovider.h"
#include "backend/generation/providers/sketchprovider.h"
#include "backend/generation/remote/remotesettings.h"

namespace vesper::backend {

QString ProviderRegistry::providerOf(const QString &modelId)
{
    if (modelId == QLatin1String("sketch"))
        return QStringLiteral("sketch");
    if (modelId == QLatin1String("a1111-sd"))
        return QStringLiteral("a1111");
    if (modelId == QLatin1String("comfyui"))
        return QStringLiteral("comfyui");
    if (modelId == QLatin1String("gemini-image"))
        return QStringLiteral("gemini");
    if (modelId == QLatin1String("replicate-flux"))
        return QStringLiteral("replicate");
    return {};
}

std::unique_ptr<Provider> ProviderRegistry::create(const QString &modelId)
{
    const QString provider = providerOf(modelId);
    if (provider == QLatin1String("sketch"))
        return std::make_unique<SketchProvider>();
    const RemoteSettings &settings = RemoteSettings::fromEnvironment();
    if (!settings.configured(provider))
        return nullptr;
    if (provider == QLatin1String("a1111"))
        return std::make_unique<A1111Provider>(settings);
    if (provider == QLatin1String("comfyui"))
        return std::make_unique<ComfyUiProvider>(settings);
    if (provider == QLatin1String("gemini"))
        return std::make_unique<GeminiProvider>(settings);
    if (provider == QLatin1String("replicate"))
        return std::make_unique<ReplicateProvider>(settings);
    return nullptr;
}

bool ProviderRegistry::supports(const QString &modelId)
{
    const QString provider = providerOf(modelId);
    return provider == QLatin1String("sketch") || RemoteSettings::fromEnvironment().configured(provider);
}

} // namespace vesper::backend
