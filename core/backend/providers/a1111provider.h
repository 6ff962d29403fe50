#pragma once
// Stable Diffusion web UI (AUTOMATIC1111) over its HTTP API: txt2img, progress, interrupt.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"
#include "backend/config/providersettings.h"

namespace vesper::backend {

/// The "a1111" provider.
class A1111Provider : public Provider {
public:
    explicit A1111Provider(const ProviderSettings &settings) : m_settings(settings) {}

    QString id() const override { return providerid::a1111(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;
    /// A web UI runs one txt2img at a time, so one job per URL across every instance.
    QString exclusiveEndpoint() const override { return endpointKey(m_settings.a1111Url); }
    /// One web UI's address in one spelling (scheme and host in lower case, the port named, no
    /// trailing slash): "http://H:7860/" and "http://h:7860" take the same lock.
    static QString endpointKey(const QString &url);

private:
    const ProviderSettings m_settings; // a copy: the job keeps what it started with
};

} // namespace vesper::backend
