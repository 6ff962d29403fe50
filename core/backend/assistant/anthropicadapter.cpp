#include "backend/assistant/anthropicadapter.h"
#include "backend/assistant/anthropicstream.h"
#include "backend/assistant/assistantfailures.h"
#include "backend/assistant/assistantprompt.h"
#include "backend/assistant/streamingpost.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {
namespace {
AssistantService service(const AssistantSettings &s)
{
    return {QStringLiteral("Anthropic"), QStringLiteral("The Anthropic API key"), s.anthropicUrl};
}
} // namespace

AnthropicAdapter::AnthropicAdapter(const AssistantSettings &settings) : m_settings(settings.normalized()) {}

QByteArray AnthropicAdapter::requestBody(const AssistantRequest &request) const
{
    QJsonArray messages;
    for (const ChatMessage &m : conversationFor(request))
        messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
    const QJsonObject tool{{QStringLiteral("name"), suggestToolName()},
                           {QStringLiteral("description"), suggestToolDescription()},
                           {QStringLiteral("input_schema"), suggestToolSchema()}};
    const QJsonObject body{{QStringLiteral("model"), m_settings.anthropicModel},
                           {QStringLiteral("max_tokens"), m_settings.maxTokens},
                           {QStringLiteral("stream"), true},
                           {QStringLiteral("system"), assistantSystemPrompt(request, false)},
                           {QStringLiteral("messages"), messages},
                           {QStringLiteral("tools"), QJsonArray{tool}},
                           {QStringLiteral("tool_choice"), QJsonObject{{QStringLiteral("type"), QStringLiteral("auto")}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

AssistantResult AnthropicAdapter::reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                                        const std::atomic_bool &cancelled)
{
    AssistantResult result;
    const AssistantService who = service(m_settings);
    if (m_settings.anthropicKey.isEmpty()) {
        result.failure = {ErrorCode::Unavailable, QStringLiteral("No Anthropic API key is set; add one in Settings ▸ Providers."), 0};
        return result;
    }
    QElapsedTimer clock;
    clock.start();
    StreamedPost post;
    post.url = m_settings.anthropicUrl + QStringLiteral("/v1/messages");
    post.body = requestBody(request);
    post.headers = {{"x-api-key", m_settings.anthropicKey.toUtf8()}, {"anthropic-version", "2023-06-01"}};
    SseParser parser;
    qint64 firstDeltaMs = -1;
    AnthropicStream stream([&](const QString &piece) {
        if (firstDeltaMs < 0)
            firstDeltaMs = clock.elapsed();
        if (onDelta)
            onDelta(piece);
    });
    const StreamedResponse response = streamPost(post, [&](const QByteArray &bytes) {
        for (const SseMessage &event : parser.feed(bytes)) {
            if (!stream.take(event))
                return !stream.failed(); // message_stop: read on to the end; a failure: stop here
        }
        return !parser.overflowed();
    }, cancelled);
    qCInfo(lcAssistant).noquote() << QStringLiteral("anthropic status=%1 requestBytes=%2 replyBytes=%3 deltas=%4 firstDeltaMs=%5 totalMs=%6")
                                         .arg(response.status).arg(post.body.size()).arg(response.bytes).arg(stream.deltaCount())
                                         .arg(firstDeltaMs).arg(clock.elapsed());
    if (stream.failed()) {
        result.failure = stream.malformed() ? failureBadReply(who, stream.errorMessage()) : failureMidStream(who, stream.errorMessage());
        return result;
    }
    if (parser.overflowed()) {
        result.failure = failureBadReply(who, QStringLiteral("an event larger than 8 MiB"));
        return result;
    }
    // message_stop is the end of the reply, whatever the transport does after it
    if (!stream.finished() && (response.failure != StreamedResponse::Failure::None || response.status < 200 || response.status >= 300)) {
        result.failure = failureForCall(response, who, providerMessage(response.errorBody));
        return result;
    }
    if (!stream.finished()) {
        result.failure = failureCutShort(who);
        return result;
    }
    AssistantReply reply;
    reply.message = {QStringLiteral("assistant"), stream.text()};
    if (!stream.toolInput().isEmpty()) {
        const QJsonDocument input = QJsonDocument::fromJson(stream.toolInput());
        QString error;
        const auto suggestions = input.isObject() ? suggestionsFromJson(input.object(), &error) : std::nullopt;
        if (!suggestions) {
            result.failure = failureBadReply(who, QStringLiteral("suggestions that are not of the asked shape"));
            return result;
        }
        reply.suggestions = *suggestions;
    }
    result.reply = reply;
    return result;
}

} // namespace vesper::backend
