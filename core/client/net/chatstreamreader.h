#pragma once
// Reads POST /api/assistant/chat's text/event-stream answer (DESIGN §7): `delta` {text} pieces of the
// reply's text, one `suggestions` {suggestions:[…]} event, then `done` {message} — or `error`
// {error, code, retryAfter?}. Bytes may be split anywhere (SseParser); the result is the same
// AssistantReply the JSON answer gives, or an error naming what went wrong.
#include "client/net/apierror.h"
#include "common/net/sseparser.h"
#include "domain/assistant.h"

#include <functional>

namespace vesper::client {

class ChatStreamReader {
public:
    /// onDelta gets each text piece as its event completes (may be empty: not called).
    explicit ChatStreamReader(std::function<void(const QString &delta)> onDelta = {});

    /// Takes the next bytes of the stream.
    void feed(QByteArrayView bytes);
    /// Whether `done` or `error` arrived (what follows is ignored).
    bool isFinished() const { return m_finished; }
    /// The reply once the stream ended: `done`'s message with the suggestions, the server's error
    /// event as an ApiError, or a Network error when the stream broke off before `done`.
    ApiResult<AssistantReply> result() const;
    /// The text the deltas carried so far.
    QString text() const { return m_text; }

private:
    void event(const SseMessage &message);
    void malformed(const QString &what);

    std::function<void(const QString &)> m_onDelta;
    SseParser m_parser;
    QString m_text;
    AssistantReply m_reply;
    bool m_done = false;
    bool m_finished = false;
    ApiError m_error;
};

} // namespace vesper::client
