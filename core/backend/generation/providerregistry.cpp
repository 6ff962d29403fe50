#include "backend/generation/providerregistry.h"
#include "backend/generation/providers/sketchprovider.h"

namespace vesper::backend {

std::unique_ptr<Provider> ProviderRegistry::create(const QString &modelId)
{
    if (modelId == QLatin1String("sketch"))
        return std::make_unique<SketchProvider>();
    return nullptr;
}

bool ProviderRegistry::supports(const QString &modelId)
{
    return modelId == QLatin1String("sketch");
}

} // namespace vesper::backend
