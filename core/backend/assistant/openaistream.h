#pragma once
// An OpenAI-compatible chat completion stream, read event by event: `data: {choices:[{delta:{content,
// tool_calls}}]}` until `data: [DONE]`. Text goes to the caller as it comes; the suggest_prompts
// call's argument pieces are joined by tool-call index; an `error` object ends it. No HTTP in here.
#include "common/net/sseparser.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <functional>

namespace vesper::backend {

class OpenAiStream {
public:
    explicit OpenAiStream(std::function<void(const QString &)> onText) : m_onText(std::move(onText)) {}

    /// Reads one event; false once the stream has ended ([DONE] or an error) or went wrong.
    bool take(const SseMessage &event);

    bool done() const { return m_done; }
    bool failed() const { return m_failed; }
    bool malformed() const { return m_malformed; }
    QString errorMessage() const { return m_errorMessage; }
    /// The finish_reason of the last choice that had one ("stop", "tool_calls", "length", ...).
    QString finishReason() const { return m_finishReason; }
    /// The suggest_prompts call's arguments (empty when the model made no such call).
    QByteArray toolArguments() const;
    int textPieces() const { return m_pieces; }

private:
    struct ToolCall {
        QString name;
        QByteArray arguments;
    };
    std::function<void(const QString &)> m_onText;
    QMap<int, ToolCall> m_calls; // by tool_calls[].index
    QString m_finishReason;
    QString m_errorMessage;
    bool m_done = false;
    bool m_failed = false;
    bool m_malformed = false;
    int m_pieces = 0;
};

} // namespace vesper::backend
