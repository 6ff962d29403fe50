#pragma once
// ComfyUI: a workflow queued with /prompt, progress from its websocket, images from /history and /view.
#include "backend/config/providerids.h"
#include "backend/providers/provider.h"
#include "backend/config/providersettings.h"

#include <QJsonObject>

namespace vesper::backend {

class ComfyUiSocket;
class ComfyUiProgress;
class ProviderHttp;
struct ComfyUiOutcome;

/// The "comfyui" provider. Progress comes from the websocket; when that cannot connect or drops,
/// /history is polled instead and progress is an estimate. A cancel interrupts and dequeues the prompt.
class ComfyUiProvider : public Provider {
public:
    explicit ComfyUiProvider(const ProviderSettings &settings) : m_settings(settings) {}

    QString id() const override { return providerid::comfyUi(); }
    ProviderResult generate(const GenerationRequest &request, ProgressSink &sink) override;

private:
    /// Waits until the prompt has ended (or the sink says stop); *outcome is its /history state.
    /// A failed result when it did not succeed.
    ProviderResult waitForRun(const QString &promptId, ComfyUiSocket &socket, ProviderHttp &http, ComfyUiProgress &progress,
                              ProgressSink &sink, ComfyUiOutcome *outcome);
    /// Stops the prompt on ComfyUI: interrupts it if it runs, removes it from the queue.
    void stopPrompt(const QString &promptId, bool knownRunning) const;

    const ProviderSettings m_settings; // a copy: the job keeps what it started with
};

} // namespace vesper::backend
