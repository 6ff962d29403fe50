#pragma once
// What the remote assistants are told (DESIGN §7): a system prompt made of the chosen skills' bodies,
// the prompt bar's context and the house rules, and the one structured way to hand back suggestions
// (the suggest_prompts tool and its input schema). Suggestions are read from that data, never prose.
#include "backend/assistant/assistantadapter.h"

#include <QJsonObject>

namespace vesper::backend {

/// The tool's name, as both APIs call it.
QString suggestToolName();
/// One line that says what the tool is for.
QString suggestToolDescription();
/// JSON schema of the tool's input: {suggestions:[{prompt, negativePrompt?, rationale, parameters?}]}.
QJsonObject suggestToolSchema();

/// The system prompt: the skills, the context (prompt, model, type, references) and the rules.
/// fencedFallback adds how to answer when tools cannot be called (a final ```json block).
QString assistantSystemPrompt(const AssistantRequest &request, bool fencedFallback);

/// The suggestions in the tool's input (or a fenced block), checked by the domain codec. Entries that
/// fail the codec are skipped; nullopt (with error) when the object is not of the schema's shape.
std::optional<QList<Suggestion>> suggestionsFromJson(const QJsonObject &input, QString *error);

/// The conversation as the APIs take it: only user/assistant turns with text, starting with a user's.
QList<ChatMessage> conversationFor(const AssistantRequest &request);

} // namespace vesper::backend
