#pragma once
// Google Gemini image generation: generateContent with inline image data.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"
#include "backend/config/providersettings.h"

namespace vesper::backend {

/// The "gemini" provider: one generateContent call per output (two at a time), the prompt's
/// reference images sent inline, progress estimated from time since Gemini reports none.
class GeminiProvider : public Provider {
public:
    explicit GeminiProvider(const ProviderSettings &settings) : m_settings(settings) {}

    QString id() const override { return providerid::gemini(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const ProviderSettings m_settings; // a copy: the job keeps what it started with
};

} // namespace vesper::backend
