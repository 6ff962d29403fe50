#pragma once
// One way of answering the assistant (DESIGN §7): the built-in offline coach, the Anthropic Messages
// API, or any OpenAI-compatible chat endpoint. Routes pick one by name from the settings and call it
// on a worker thread; text arrives through onDelta as it is produced, suggestions at the end as data.
#include "backend/skills/skilltext.h" // SkillText, loaded by the registry below this layer
#include "domain/assistant.h"
#include "domain/errorcode.h"

#include <QList>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

namespace vesper::backend {

struct AssistantRequest {
    QList<ChatMessage> messages; // the conversation so far, the user's latest last
    PromptContext context;
    QList<SkillText> skills;     // the chosen skills (or the registry's defaults for the context)
};

/// Why an adapter could not answer, in words a user can act on; retryAfterSeconds for RATE_LIMITED.
struct AssistantFailure {
    ErrorCode code = ErrorCode::ProviderError;
    QString message;
    int retryAfterSeconds = 0;
};

struct AssistantResult {
    std::optional<AssistantReply> reply; // set on success
    AssistantFailure failure;            // meaningful when reply is empty
};

class AssistantAdapter {
public:
    virtual ~AssistantAdapter() = default;
    /// "coach", "anthropic" or "openai".
    virtual QString name() const = 0;
    /// Answers the conversation. Blocking; called off the HTTP threads. onDelta (may be empty) gets
    /// the reply's text in order as it arrives; cancelled turns true when the caller went away.
    virtual AssistantResult reply(const AssistantRequest &request,
                                  const std::function<void(const QString &delta)> &onDelta,
                                  const std::atomic_bool &cancelled) = 0;
};

} // namespace vesper::backend
