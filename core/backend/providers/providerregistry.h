#pragma once
// Which provider runs which model (the table in config/providerids.h). A remote model can be
// generated only when its provider is configured in the settings given; the catalogue shows the
// others unavailable and says what is missing.
#include "backend/providers/provider.h"

#include <memory>

namespace vesper::backend {

struct ProviderSettings;

class ProviderRegistry {
public:
    /// A new provider instance for modelId with these settings (one per job, so adapters keep no
    /// shared state), or nullptr for an unknown or unconfigured model.
    static std::unique_ptr<Provider> create(const QString &modelId, const ProviderSettings &settings);
    /// Whether modelId is known and its provider configured in settings.
    static bool supports(const QString &modelId, const ProviderSettings &settings);
};

} // namespace vesper::backend
