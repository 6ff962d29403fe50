#pragma once
// Which assistant answers POST /api/assistant/chat and how to reach it (DESIGN §7, issue 12): the
// offline coach by default, or Anthropic's Messages API, or any OpenAI-compatible chat endpoint
// (llama.cpp server, Ollama, LM Studio). Part of ProviderSettings, so the desktop app can replace it
// on a running backend; keys stay in memory, never logged or written.
#include <QString>

namespace vesper::backend {

struct AssistantSettings {
    QString adapter = QStringLiteral("coach");                        // VESPER_ASSISTANT: coach, anthropic or openai
    QString anthropicKey;                                             // ANTHROPIC_API_KEY
    QString anthropicModel = QStringLiteral("claude-sonnet-4-5");     // VESPER_ANTHROPIC_MODEL
    QString anthropicUrl = QStringLiteral("https://api.anthropic.com"); // VESPER_ANTHROPIC_BASE_URL
    QString openaiKey;                                                // OPENAI_API_KEY (local servers need none)
    QString openaiModel;                                              // VESPER_OPENAI_MODEL (empty: the server's default)
    QString openaiUrl = QStringLiteral("http://127.0.0.1:11434");     // VESPER_OPENAI_BASE_URL (Ollama's port)
    int maxTokens = 1024;                                             // the longest reply asked for

    /// The adapter names this build knows.
    static bool knownAdapter(const QString &name);
    /// URLs without a trailing slash or "/v1" (the adapters add the API's path), the name lower-cased.
    AssistantSettings normalized() const;
    friend bool operator==(const AssistantSettings &, const AssistantSettings &) = default;
};

} // namespace vesper::backend
