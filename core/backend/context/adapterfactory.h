#pragma once
// Which assistant answers (DESIGN §7): one function the chat routes call per request, so adding an
// adapter (Anthropic, OpenAI-compatible) is one branch here. It sits in context/ because it reads the
// backend's settings through ServerContext, which backend/assistant may not include.
#include "backend/assistant/assistantadapter.h"

#include <memory>

namespace vesper::backend {

struct ServerContext;

/// The adapter the settings choose; the built-in offline coach by default (and whenever no other is
/// configured). A new one per request: adapters hold no state between turns.
std::unique_ptr<AssistantAdapter> makeAssistantAdapter(const ServerContext &ctx);

} // namespace vesper::backend
