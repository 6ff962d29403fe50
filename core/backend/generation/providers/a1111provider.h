#pragma once
// Stable Diffusion web UI (AUTOMATIC1111) over its HTTP API: txt2img, progress, interrupt.
#include "backend/generation/provider.h"
#include "backend/generation/remote/remotesettings.h"

namespace vesper::backend {

/// The "a1111" provider.
class A1111Provider : public Provider {
public:
    explicit A1111Provider(const RemoteSettings &settings) : m_settings(settings) {}

    QString id() const override { return QStringLiteral("a1111"); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const RemoteSettings &m_settings;
};

} // namespace vesper::backend
