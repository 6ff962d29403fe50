#pragma once
// POST /api/assistant/chat with `Accept: text/event-stream` (DESIGN §7): the reply streams as SSE —
// `delta` {text} per piece, one `suggestions` {suggestions[]} event, then `done` {message}; or
// `error` {error, code, retryAfter?}. The adapter runs on the backend's AssistantRunner, not on an
// HTTP thread; a client that leaves cancels it. Logs carry sizes and timings, never the text.
#include "backend/assistant/assistantadapter.h"
#include "backend/http/httpmessage.h"

#include <memory>

namespace vesper::backend {

struct ServerContext;

/// Whether the request asks for the streamed reply.
bool wantsEventStream(const HttpRequest &request);
/// Starts the reply on the runner and returns the open stream it writes to. Throws UNAVAILABLE
/// (503 + Retry-After, as JSON) when the runner is full; nothing has been streamed then.
HttpResponse streamChat(ServerContext &context, AssistantRequest request, std::unique_ptr<AssistantAdapter> adapter);

} // namespace vesper::backend
