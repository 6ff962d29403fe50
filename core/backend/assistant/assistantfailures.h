#pragma once
// The remote assistants' failures in words a user can act on (issue 12): a refused key points at
// Settings, 429 carries Retry-After, an overloaded service says to try again, an unreachable one names
// the address, a stream that breaks off says so. One place, so Anthropic and OpenAI read alike.
#include "backend/assistant/assistantadapter.h"
#include "backend/assistant/streamingpost.h"

namespace vesper::backend {

/// Who answered, as the messages name it: "Anthropic", "The OpenAI-compatible server", ...
struct AssistantService {
    QString name;    // "Anthropic"
    QString keyName; // "The Anthropic API key"
    QString baseUrl;
};

/// The failure for a call that did not end in a complete 2xx stream. errorMessage is the service's
/// own message from its error body (may be empty).
AssistantFailure failureForCall(const StreamedResponse &response, const AssistantService &service, const QString &errorMessage);
/// An `error` event inside a stream that had started.
AssistantFailure failureMidStream(const AssistantService &service, const QString &message);
/// The stream ended before its final event.
AssistantFailure failureCutShort(const AssistantService &service);
/// The service answered something that is not its protocol.
AssistantFailure failureBadReply(const AssistantService &service, const QString &what);

} // namespace vesper::backend
