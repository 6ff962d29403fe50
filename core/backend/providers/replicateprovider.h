#pragma once
// Replicate predictions: create, poll, cancel.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"
#include "backend/config/providersettings.h"

namespace vesper::backend {

/// The "replicate" provider.
class ReplicateProvider : public Provider {
public:
    explicit ReplicateProvider(const ProviderSettings &settings) : m_settings(settings) {}

    QString id() const override { return providerid::replicate(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const ProviderSettings m_settings; // a copy: the job keeps what it started with
};

} // namespace vesper::backend
