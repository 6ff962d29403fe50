#include "fakeopenai.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::test {
namespace {
QByteArray errorBody(const QString &message, const char *type, const char *code)
{
    const QJsonObject error{{QStringLiteral("message"), message}, {QStringLiteral("type"), QLatin1String(type)},
                            {QStringLiteral("code"), QLatin1String(code)}};
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), error}}).toJson(QJsonDocument::Compact);
}

QByteArray data(const QJsonObject &choiceDelta, const QJsonValue &finishReason, const QByteArray &lineEnd)
{
    const QJsonObject choice{{QStringLiteral("index"), 0}, {QStringLiteral("delta"), choiceDelta}, {QStringLiteral("finish_reason"), finishReason}};
    const QJsonObject chunk{{QStringLiteral("id"), QStringLiteral("chatcmpl-fake")}, {QStringLiteral("object"), QStringLiteral("chat.completion.chunk")},
                            {QStringLiteral("created"), 1700000000}, {QStringLiteral("model"), QStringLiteral("fake-local")},
                            {QStringLiteral("choices"), QJsonArray{choice}}};
    return "data: " + QJsonDocument(chunk).toJson(QJsonDocument::Compact) + lineEnd + lineEnd;
}
} // namespace

FakeOpenAi::FakeOpenAi() : m_server(std::make_unique<SseStreamServer>([this](const StreamRequest &r) { return answer(r); })) {}
FakeOpenAi::~FakeOpenAi() = default;

bool FakeOpenAi::start(QString *error)
{
    return m_server->start(error);
}

void FakeOpenAi::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
    m_requests.clear();
}

void FakeOpenAi::setScript(const AssistantScript &script)
{
    QMutexLocker lock(&m_mutex);
    m_script = script;
}

void FakeOpenAi::setRequiredKey(const QString &key)
{
    QMutexLocker lock(&m_mutex);
    m_key = key;
}

void FakeOpenAi::setPieceDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_pieceDelayMs = ms;
}

QList<StreamRequest> FakeOpenAi::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QList<QByteArray> FakeOpenAi::events(bool toolCall, bool fenced, const QByteArray &lineEnd) const
{
    QList<QByteArray> out;
    out.append(data({{QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("content"), QString()}}, QJsonValue::Null, lineEnd));
    for (const QString &piece : m_script.textPieces)
        out.append(data({{QStringLiteral("content"), piece}}, QJsonValue::Null, lineEnd));
    if (fenced) {
        const QString block = proseBeforeFence() + QStringLiteral("```json\n")
                              + QString::fromUtf8(QJsonDocument(m_script.toolInput()).toJson(QJsonDocument::Indented)) + QStringLiteral("```\n");
        for (qsizetype i = 0; i < block.size(); i += 5) // pieces of 5: the fence itself arrives cut up
            out.append(data({{QStringLiteral("content"), block.mid(i, 5)}}, QJsonValue::Null, lineEnd));
    }
    if (toolCall) {
        const QJsonObject start{{QStringLiteral("index"), 0}, {QStringLiteral("id"), QStringLiteral("call_fake")},
                                {QStringLiteral("type"), QStringLiteral("function")},
                                {QStringLiteral("function"), QJsonObject{{QStringLiteral("name"), QStringLiteral("suggest_prompts")},
                                                                         {QStringLiteral("arguments"), QString()}}}};
        out.append(data({{QStringLiteral("tool_calls"), QJsonArray{start}}}, QJsonValue::Null, lineEnd));
        for (const QString &part : m_script.toolInputPieces(13)) {
            const QJsonObject piece{{QStringLiteral("index"), 0},
                                    {QStringLiteral("function"), QJsonObject{{QStringLiteral("arguments"), part}}}};
            out.append(data({{QStringLiteral("tool_calls"), QJsonArray{piece}}}, QJsonValue::Null, lineEnd));
        }
    }
    out.append(data(QJsonObject(), toolCall ? QStringLiteral("tool_calls") : QStringLiteral("stop"), lineEnd));
    out.append("data: [DONE]" + lineEnd + lineEnd);
    return out;
}

StreamPlan FakeOpenAi::answer(const StreamRequest &request)
{
    QMutexLocker lock(&m_mutex);
    m_requests.append(request);
    if (request.method != "POST" || request.path != "/v1/chat/completions")
        return StreamPlan::json(404, errorBody(QStringLiteral("Not found"), "not_found", "not_found"));
    if (!m_key.isEmpty() && request.headers.value("authorization") != "Bearer " + m_key.toUtf8())
        return StreamPlan::json(401, errorBody(QStringLiteral("Incorrect API key provided"), "invalid_request_error", "invalid_api_key"));
    const QJsonObject body = request.json();
    if (body.value(QStringLiteral("messages")).toArray().isEmpty() || !body.value(QStringLiteral("stream")).toBool())
        return StreamPlan::json(400, errorBody(QStringLiteral("messages and stream are required here"), "invalid_request_error", "bad_request"));
    const bool hasTools = body.contains(QStringLiteral("tools"));
    if (m_scenario == Scenario::RateLimited) {
        StreamPlan plan = StreamPlan::json(429, errorBody(QStringLiteral("Rate limit reached"), "requests", "rate_limit_exceeded"));
        plan.headers = {{"Retry-After", "7"}};
        return plan;
    }
    if (m_scenario == Scenario::Overloaded)
        return StreamPlan::json(503, errorBody(QStringLiteral("server is busy"), "server_error", "unavailable"));
    if (m_scenario == Scenario::RefuseTools && hasTools)
        return StreamPlan::json(400, errorBody(QStringLiteral("tools are not supported by this server"), "invalid_request_error", "bad_request"));

    StreamPlan plan;
    plan.pieceDelayMs = m_pieceDelayMs;
    const bool fenced = m_scenario == Scenario::IgnoreTools || m_scenario == Scenario::RefuseTools;
    const bool awkward = m_scenario == Scenario::Awkward;
    QList<QByteArray> all = events(hasTools && !fenced, fenced, awkward ? QByteArray("\r\n") : QByteArray("\n"));
    const qsizetype half = 1 + m_script.textPieces.size() / 2;
    switch (m_scenario) {
    case Scenario::Awkward: {
        const QByteArray bytes = all.join();
        plan.pieces = splitAt(bytes, awkwardOffsets(bytes));
        if (plan.pieceDelayMs == 0)
            plan.pieceDelayMs = 1;
        break;
    }
    case Scenario::ErrorMidStream:
        plan.pieces = all.mid(0, half);
        plan.pieces.append("data: " + errorBody(errorMessage(), "server_error", "internal") + "\n\n");
        break;
    case Scenario::DisconnectMidStream:
        plan.pieces = all.mid(0, half);
        plan.end = StreamPlan::End::Drop;
        break;
    case Scenario::HangAfterFirstDelta:
        plan.pieces = all.mid(0, 2);
        plan.end = StreamPlan::End::Hang;
        break;
    default:
        plan.pieces = all;
    }
    return plan;
}

} // namespace vesper::test
