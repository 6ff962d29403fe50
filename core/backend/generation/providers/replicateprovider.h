#pragma once
// Replicate predictions: create, poll, cancel.
#include "backend/generation/provider.h"
#include "backend/generation/remote/remotesettings.h"

namespace vesper::backend {

/// The "replicate" provider.
class ReplicateProvider : public Provider {
public:
    explicit ReplicateProvider(const RemoteSettings &settings) : m_settings(settings) {}

    QString id() const override { return QStringLiteral("replicate"); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const RemoteSettings &m_settings;
};

} // namespace vesper::backend
