#pragma once
// The Anthropic Messages API's streamed events, read one by one: text deltas go to the caller as they
// come, the suggest_prompts tool's input_json_delta parts are joined until their block stops, and
// message_stop or an `error` event ends the reply. Knows nothing about HTTP.
#include "common/net/sseparser.h"

#include <QHash>
#include <QString>
#include <functional>

namespace vesper::backend {

class AnthropicStream {
public:
    explicit AnthropicStream(std::function<void(const QString &)> onDelta) : m_onDelta(std::move(onDelta)) {}

    /// Reads one event; false once the stream has ended (message_stop or error) or went wrong.
    bool take(const SseMessage &event);

    bool finished() const { return m_finished; }
    /// Set by an `error` event (its message) or by an event that is not JSON.
    bool failed() const { return m_failed; }
    QString errorMessage() const { return m_errorMessage; }
    QString errorType() const { return m_errorType; }
    /// The failure was an event that is not JSON, not an `error` event.
    bool malformed() const { return m_malformed; }
    QString text() const { return m_text; }
    /// The suggest_prompts tool's whole input JSON (empty when the model did not call it).
    QByteArray toolInput() const { return m_toolInput; }
    QString stopReason() const { return m_stopReason; }
    int deltaCount() const { return m_deltas; }

private:
    std::function<void(const QString &)> m_onDelta;
    QHash<int, QString> m_blockTypes;   // content block index -> "text", "tool_use", ...
    QHash<int, QByteArray> m_toolParts; // index -> partial JSON so far (suggest_prompts only)
    QString m_text;
    QByteArray m_toolInput;
    QString m_stopReason;
    QString m_errorMessage;
    QString m_errorType;
    bool m_finished = false;
    bool m_failed = false;
    bool m_malformed = false;
    int m_deltas = 0;
};

} // namespace vesper::backend
