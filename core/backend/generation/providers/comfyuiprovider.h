#pragma once
// ComfyUI: a workflow queued with /prompt, progress from its websocket, images from /history and /view.
#include "backend/generation/provider.h"
#include "backend/generation/remote/remotesettings.h"

namespace vesper::backend {

/// The "comfyui" provider.
class ComfyUiProvider : public Provider {
public:
    explicit ComfyUiProvider(const RemoteSettings &settings) : m_settings(settings) {}

    QString id() const override { return QStringLiteral("comfyui"); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    const RemoteSettings &m_settings;
};

} // namespace vesper::backend
