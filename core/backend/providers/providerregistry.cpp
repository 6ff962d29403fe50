#include "backend/providers/providerregistry.h"
#include "backend/config/providerids.h"
#include "backend/config/providersettings.h"
#include "backend/providers/a1111provider.h"
#include "backend/providers/comfyuiprovider.h"
#include "backend/providers/geminiprovider.h"
#include "backend/providers/replicateprovider.h"
#include "backend/providers/sketchprovider.h"

namespace vesper::backend {

std::unique_ptr<Provider> ProviderRegistry::create(const QString &modelId, const ProviderSettings &settings)
{
    const QString provider = providerOfModel(modelId);
    if (provider.isEmpty() || !settings.configured(provider))
        return nullptr;
    if (provider == providerid::sketch())
        return std::make_unique<SketchProvider>();
    if (provider == providerid::a1111())
        return std::make_unique<A1111Provider>(settings);
    if (provider == providerid::comfyUi())
        return std::make_unique<ComfyUiProvider>(settings);
    if (provider == providerid::gemini())
        return std::make_unique<GeminiProvider>(settings);
    if (provider == providerid::replicate())
        return std::make_unique<ReplicateProvider>(settings);
    return nullptr;
}

bool ProviderRegistry::supports(const QString &modelId, const ProviderSettings &settings)
{
    const QString provider = providerOfModel(modelId);
    return !provider.isEmpty() && settings.configured(provider);
}

} // namespace vesper::backend
