#pragma once
// Which provider runs which model. A remote model can be generated only when its provider is
// configured (RemoteSettings); the catalogue shows the others unavailable and says what is missing.
#include "backend/generation/provider.h"

#include <memory>

namespace vesper::backend {

class ProviderRegistry {
public:
    /// A new provider instance for modelId (one per job, so adapters keep no shared state), or nullptr.
    static std::unique_ptr<Provider> create(const QString &modelId);
    static bool supports(const QString &modelId);
    /// The provider id ("sketch", "a1111", ...) behind a model id; empty for an unknown model.
    static QString providerOf(const QString &modelId);
};

} // namespace vesper::backend
