#pragma once
// The assistant through any OpenAI-compatible chat endpoint (issue 12): llama.cpp server, Ollama,
// LM Studio or OpenAI itself. One streamed POST {baseUrl}/v1/chat/completions offering the
// suggest_prompts function; for servers that ignore tools, the final ```json block of the reply is
// read instead (FencedSuggestions), and a server that refuses the tools field is asked again without.
#include "backend/assistant/assistantadapter.h"
#include "backend/config/assistantsettings.h"

namespace vesper::backend {

class OpenAiAdapter : public AssistantAdapter {
public:
    /// Takes the key (optional), model (optional), base URL and reply length from settings.
    explicit OpenAiAdapter(const AssistantSettings &settings);

    QString name() const override { return QStringLiteral("openai"); }
    AssistantResult reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                          const std::atomic_bool &cancelled) override;

    /// The request body this adapter sends; withTools false leaves the tools out (tests read it).
    QByteArray requestBody(const AssistantRequest &request, bool withTools) const;

private:
    AssistantResult attempt(const AssistantRequest &request, bool withTools, const std::function<void(const QString &)> &onDelta,
                            const std::atomic_bool &cancelled, bool *refusedTools);

    AssistantSettings m_settings;
};

} // namespace vesper::backend
