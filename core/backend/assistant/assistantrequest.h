#pragma once
// The assistant routes' bodies read and checked in one place, so the JSON chat, the streamed chat
// and the enhancer validate alike: strict types and sizes (a 400 naming the field), and the chosen
// skills resolved from the registry (an unknown id is a 400 naming it; none given: the registry's
// defaults for the generation type and model).
#include "backend/assistant/assistantadapter.h"

#include <QJsonObject>
#include <QJsonValue>

namespace vesper::backend {

class ModelCatalog;
class SkillRegistry;

struct AssistantLimits {
    int maxMessages = 50;
    int maxMessageChars = 20000; // per message, and the current prompt
    int maxSkills = 8;
    int maxReferences = 16;
};

/// POST /api/prompts/enhance's body, checked.
struct EnhanceRequest {
    QString prompt;
    PromptContext context; // currentPrompt is the prompt; generationType from the model's entry
    QList<SkillText> skills;
};

/// {messages[1..50]{role, content}, context{currentPrompt, modelId, generationType, referenceCount}?,
/// skillIds?} → the request an adapter answers. Throws DomainError::validation.
AssistantRequest parseChatRequest(const QJsonObject &body, SkillRegistry &skills, const ModelCatalog &catalog,
                                  const AssistantLimits &limits = {});
/// {prompt, modelId?, skillIds?}. Throws DomainError::validation.
EnhanceRequest parseEnhanceRequest(const QJsonObject &body, SkillRegistry &skills, const ModelCatalog &catalog,
                                   const AssistantLimits &limits = {});
/// skillIds (absent or null: the registry's defaults for the context) resolved to skills, in the
/// order given. Throws DomainError::validation naming an unknown or malformed id.
QList<SkillText> chooseSkills(const QJsonValue &skillIds, SkillRegistry &skills, const PromptContext &context,
                              const AssistantLimits &limits = {});

} // namespace vesper::backend
