#pragma once
// Anthropic's Messages API for tests, streamed as it streams (message_start, ping, content blocks
// with text_delta and input_json_delta, message_delta, message_stop): checks x-api-key (401
// authentication_error for any other key), anthropic-version and the body's required fields. Scenarios
// cut the stream at awkward byte offsets, send an `error` event or break off mid-stream, answer 429
// with Retry-After or 529 overloaded, or hang after the first delta. Every request is recorded.
#include "assistantscript.h"
#include "ssestreamserver.h"

#include <QMutex>
#include <memory>

namespace vesper::test {

class FakeAnthropic {
public:
    enum class Scenario {
        Success,            // one event per chunk
        Awkward,            // the same bytes cut inside every UTF-8 character and mid-line
        ErrorMidStream,     // half the text, then event: error (api_error, errorMessage())
        DisconnectMidStream, // half the text, then the connection is aborted
        RateLimited,        // 429 rate_limit_error with Retry-After: 7
        Overloaded,         // 529 overloaded_error
        NoToolCall,         // text only, stop_reason end_turn
        HangAfterFirstDelta, // message_start and one text delta, then nothing
    };

    static QString key() { return QStringLiteral("sk-ant-fake-3Jx9QwLp"); }
    static QString model() { return QStringLiteral("claude-fake-1"); }
    static QString errorMessage() { return QStringLiteral("Internal server error while streaming"); }

    FakeAnthropic();
    ~FakeAnthropic();
    bool start(QString *error);
    QString baseUrl() const { return m_server->baseUrl(); }
    /// Connections open now: a hanging stream's stays open until its client gives up.
    int openConnections() const { return m_server->openConnections(); }

    void setScenario(Scenario scenario);
    void setScript(const AssistantScript &script);
    void setPieceDelayMs(int ms);
    QList<StreamRequest> requests() const;
    /// The SSE bytes a whole successful reply sends (what Success and Awkward cut up).
    QByteArray streamBytes() const;

private:
    StreamPlan answer(const StreamRequest &request);
    QList<QByteArray> events(const AssistantScript &script, bool withTool) const;

    std::unique_ptr<SseStreamServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    AssistantScript m_script = AssistantScript::standard();
    int m_pieceDelayMs = 0;
    QList<StreamRequest> m_requests;
};

} // namespace vesper::test
