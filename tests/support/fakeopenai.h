#pragma once
// An OpenAI-compatible /v1/chat/completions for tests, streamed as llama.cpp server, Ollama and LM
// Studio stream it: `data: {choices:[{delta:{content|tool_calls}}]}` lines, then `data: [DONE]`. With a
// required key set it checks `Authorization: Bearer` (401 invalid_api_key otherwise). Scenarios cut
// the bytes awkwardly (CRLF line ends, cuts inside UTF-8 characters and between CR and LF), send an
// error object or break off mid-stream, answer 429 with Retry-After or 503, ignore the tools (a final
// fenced ```json block instead), refuse a body with tools (400), or hang after the first delta.
#include "assistantscript.h"
#include "ssestreamserver.h"

#include <QMutex>
#include <memory>

namespace vesper::test {

class FakeOpenAi {
public:
    enum class Scenario {
        Success,             // text deltas, then a suggest_prompts tool call in argument pieces
        Awkward,             // the same with CRLF line ends, cut inside every UTF-8 character and mid-line
        ErrorMidStream,      // half the text, then data: {"error":{"message": errorMessage()}}
        DisconnectMidStream, // half the text, then the connection is aborted
        RateLimited,         // 429 with Retry-After: 7
        Overloaded,          // 503 "server is busy"
        IgnoreTools,         // tools ignored: the text ends with a fenced ```json block of suggestions
        RefuseTools,         // 400 for a body with tools; without them, as IgnoreTools
        HangAfterFirstDelta, // one delta, then nothing
    };

    static QString errorMessage() { return QStringLiteral("the model crashed while generating"); }

    FakeOpenAi();
    ~FakeOpenAi();
    bool start(QString *error);
    QString baseUrl() const { return m_server->baseUrl(); }
    /// Connections open now: a hanging stream's stays open until its client gives up.
    int openConnections() const { return m_server->openConnections(); }

    void setScenario(Scenario scenario);
    void setScript(const AssistantScript &script);
    /// When set, requests must carry `Authorization: Bearer key`.
    void setRequiredKey(const QString &key);
    void setPieceDelayMs(int ms);
    QList<StreamRequest> requests() const;
    /// The prose the IgnoreTools scenario streams before its fenced block.
    static QString proseBeforeFence() { return QStringLiteral("\n\nHere is the block:\n"); }

private:
    StreamPlan answer(const StreamRequest &request);
    QList<QByteArray> events(bool toolCall, bool fenced, const QByteArray &lineEnd) const;

    std::unique_ptr<SseStreamServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    AssistantScript m_script = AssistantScript::standard();
    QString m_key;
    int m_pieceDelayMs = 0;
    QList<StreamRequest> m_requests;
};

} // namespace vesper::test
