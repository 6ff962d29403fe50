#include "fakeanthropic.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::test {
namespace {
QByteArray event(const char *name, const QJsonObject &data)
{
    return QByteArray("event: ") + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray errorBody(const char *type, const QString &message)
{
    const QJsonObject body{{QStringLiteral("type"), QStringLiteral("error")},
                           {QStringLiteral("error"), QJsonObject{{QStringLiteral("type"), QLatin1String(type)},
                                                                 {QStringLiteral("message"), message}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject delta(int index, const QJsonObject &d)
{
    return {{QStringLiteral("type"), QStringLiteral("content_block_delta")}, {QStringLiteral("index"), index}, {QStringLiteral("delta"), d}};
}
} // namespace

FakeAnthropic::FakeAnthropic() : m_server(std::make_unique<SseStreamServer>([this](const StreamRequest &r) { return answer(r); })) {}
FakeAnthropic::~FakeAnthropic() = default;

bool FakeAnthropic::start(QString *error)
{
    return m_server->start(error);
}

void FakeAnthropic::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
    m_requests.clear();
}

void FakeAnthropic::setScript(const AssistantScript &script)
{
    QMutexLocker lock(&m_mutex);
    m_script = script;
}

void FakeAnthropic::setPieceDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_pieceDelayMs = ms;
}

QList<StreamRequest> FakeAnthropic::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

QByteArray FakeAnthropic::streamBytes() const
{
    QMutexLocker lock(&m_mutex);
    return events(m_script, true).join();
}

QList<QByteArray> FakeAnthropic::events(const AssistantScript &script, bool withTool) const
{
    QList<QByteArray> out;
    const QJsonObject message{{QStringLiteral("id"), QStringLiteral("msg_fake")}, {QStringLiteral("type"), QStringLiteral("message")},
                              {QStringLiteral("role"), QStringLiteral("assistant")}, {QStringLiteral("model"), model()},
                              {QStringLiteral("content"), QJsonArray()},
                              {QStringLiteral("usage"), QJsonObject{{QStringLiteral("input_tokens"), 42}, {QStringLiteral("output_tokens"), 1}}}};
    out.append(event("message_start", {{QStringLiteral("type"), QStringLiteral("message_start")}, {QStringLiteral("message"), message}}));
    out.append(event("content_block_start", {{QStringLiteral("type"), QStringLiteral("content_block_start")}, {QStringLiteral("index"), 0},
                                             {QStringLiteral("content_block"), QJsonObject{{QStringLiteral("type"), QStringLiteral("text")},
                                                                                           {QStringLiteral("text"), QString()}}}}));
    out.append(event("ping", {{QStringLiteral("type"), QStringLiteral("ping")}}));
    for (const QString &piece : script.textPieces)
        out.append(event("content_block_delta", delta(0, {{QStringLiteral("type"), QStringLiteral("text_delta")}, {QStringLiteral("text"), piece}})));
    out.append(event("content_block_stop", {{QStringLiteral("type"), QStringLiteral("content_block_stop")}, {QStringLiteral("index"), 0}}));
    if (withTool) {
        out.append(event("content_block_start",
                         {{QStringLiteral("type"), QStringLiteral("content_block_start")}, {QStringLiteral("index"), 1},
                          {QStringLiteral("content_block"), QJsonObject{{QStringLiteral("type"), QStringLiteral("tool_use")},
                                                                        {QStringLiteral("id"), QStringLiteral("toolu_fake")},
                                                                        {QStringLiteral("name"), QStringLiteral("suggest_prompts")},
                                                                        {QStringLiteral("input"), QJsonObject()}}}}));
        for (const QString &part : script.toolInputPieces(17))
            out.append(event("content_block_delta",
                             delta(1, {{QStringLiteral("type"), QStringLiteral("input_json_delta")}, {QStringLiteral("partial_json"), part}})));
        out.append(event("content_block_stop", {{QStringLiteral("type"), QStringLiteral("content_block_stop")}, {QStringLiteral("index"), 1}}));
    }
    out.append(event("message_delta", {{QStringLiteral("type"), QStringLiteral("message_delta")},
                                       {QStringLiteral("delta"), QJsonObject{{QStringLiteral("stop_reason"), withTool ? QStringLiteral("tool_use")
                                                                                                                    : QStringLiteral("end_turn")}}},
                                       {QStringLiteral("usage"), QJsonObject{{QStringLiteral("output_tokens"), 120}}}}));
    out.append(event("message_stop", {{QStringLiteral("type"), QStringLiteral("message_stop")}}));
    return out;
}

StreamPlan FakeAnthropic::answer(const StreamRequest &request)
{
    QMutexLocker lock(&m_mutex);
    m_requests.append(request);
    if (request.method != "POST" || request.path != "/v1/messages")
        return StreamPlan::json(404, errorBody("not_found_error", QStringLiteral("Not found")));
    if (request.headers.value("x-api-key") != key().toUtf8())
        return StreamPlan::json(401, errorBody("authentication_error", QStringLiteral("invalid x-api-key")));
    if (request.headers.value("anthropic-version") != "2023-06-01")
        return StreamPlan::json(400, errorBody("invalid_request_error", QStringLiteral("anthropic-version: header is required")));
    const QJsonObject body = request.json();
    if (body.value(QStringLiteral("model")).toString().isEmpty() || !body.value(QStringLiteral("max_tokens")).isDouble()
        || body.value(QStringLiteral("messages")).toArray().isEmpty()
        || body.value(QStringLiteral("messages")).toArray().first().toObject().value(QStringLiteral("role")) != QLatin1String("user"))
        return StreamPlan::json(400, errorBody("invalid_request_error", QStringLiteral("model, max_tokens and messages starting with a user turn are required")));
    if (m_scenario == Scenario::RateLimited) {
        StreamPlan plan = StreamPlan::json(429, errorBody("rate_limit_error", QStringLiteral("Number of request tokens has exceeded your per-minute rate limit")));
        plan.headers = {{"retry-after", "7"}};
        return plan;
    }
    if (m_scenario == Scenario::Overloaded)
        return StreamPlan::json(529, errorBody("overloaded_error", QStringLiteral("Overloaded")));

    StreamPlan plan;
    plan.pieceDelayMs = m_pieceDelayMs;
    const bool withTool = m_scenario != Scenario::NoToolCall;
    QList<QByteArray> all = events(m_script, withTool);
    const qsizetype half = 3 + m_script.textPieces.size() / 2; // message_start, block start, ping, then half the text
    switch (m_scenario) {
    case Scenario::Awkward: {
        const QByteArray bytes = all.join();
        plan.pieces = splitAt(bytes, awkwardOffsets(bytes));
        if (plan.pieceDelayMs == 0)
            plan.pieceDelayMs = 1; // so the client's reads see the cuts, not a coalesced stream
        break;
    }
    case Scenario::ErrorMidStream:
        plan.pieces = all.mid(0, half);
        plan.pieces.append(event("error", QJsonDocument::fromJson(errorBody("api_error", errorMessage())).object()));
        break;
    case Scenario::DisconnectMidStream:
        plan.pieces = all.mid(0, half);
        plan.end = StreamPlan::End::Drop;
        break;
    case Scenario::HangAfterFirstDelta:
        plan.pieces = all.mid(0, 4);
        plan.end = StreamPlan::End::Hang;
        break;
    default:
        plan.pieces = all;
    }
    return plan;
}

} // namespace vesper::test
