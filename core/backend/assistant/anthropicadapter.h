#pragma once
// The assistant through Anthropic's Messages API (issue 12): one streamed POST {baseUrl}/v1/messages
// with the skills and context as the system prompt and the suggest_prompts tool offered; text deltas
// stream to the caller, suggestions come from the tool's input, failures read as AssistantFailure.
#include "backend/assistant/assistantadapter.h"
#include "backend/config/assistantsettings.h"

namespace vesper::backend {

class AnthropicAdapter : public AssistantAdapter {
public:
    /// Takes the key, model, base URL and reply length from settings (normalized).
    explicit AnthropicAdapter(const AssistantSettings &settings);

    QString name() const override { return QStringLiteral("anthropic"); }
    AssistantResult reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                          const std::atomic_bool &cancelled) override;

    /// The request body this adapter sends (tests read it).
    QByteArray requestBody(const AssistantRequest &request) const;

private:
    AssistantSettings m_settings;
};

} // namespace vesper::backend
