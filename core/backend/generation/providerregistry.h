#pragma once
// Which provider runs which model. Only models with a provider here can be generated; the others
// in the catalogue stay unavailable until their adapters exist.
#include "backend/generation/provider.h"

#include <memory>

namespace vesper::backend {

class ProviderRegistry {
public:
    /// A new provider instance for modelId (one per job, so adapters keep no shared state), or nullptr.
    static std::unique_ptr<Provider> create(const QString &modelId);
    static bool supports(const QString &modelId);
};

} // namespace vesper::backend
