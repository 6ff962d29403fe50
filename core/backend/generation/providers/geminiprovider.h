#pragma once
// Google Gemini image generation: generateContent with inline image data.
#include "backend/generation/provider.h"
#include "backend/generation/remote/remotesettings.h"

namespace vesper::backend {

/// The "gemini" provider: one generateContent call per output (two at a time), the prompt's
/// reference images sent inline, progress estimated from time since Gemini reports none.
class GeminiProvider : public Provider {
public:
    explicit GeminiProvider(const RemoteSettings &settings) : m_settings(settings) {}

    QString id() const override { return QStringLiteral("gemini"); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const RemoteSettings &m_settings;
};

} // namespace vesper::backend
