#include "backend/assistant/openaiadapter.h"
#include "backend/assistant/assistantfailures.h"
#include "backend/assistant/assistantprompt.h"
#include "backend/assistant/fencedsuggestions.h"
#include "backend/assistant/openaistream.h"
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
    return {QStringLiteral("The OpenAI-compatible server"), QStringLiteral("The OpenAI-compatible server's API key"), s.openaiUrl};
}
} // namespace

OpenAiAdapter::OpenAiAdapter(const AssistantSettings &settings) : m_settings(settings.normalized()) {}

QByteArray OpenAiAdapter::requestBody(const AssistantRequest &request, bool withTools) const
{
    QJsonArray messages{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                    {QStringLiteral("content"), assistantSystemPrompt(request, true)}}};
    for (const ChatMessage &m : conversationFor(request))
        messages.append(QJsonObject{{QStringLiteral("role"), m.role}, {QStringLiteral("content"), m.content}});
    QJsonObject body{{QStringLiteral("messages"), messages}, {QStringLiteral("stream"), true},
                     {QStringLiteral("max_tokens"), m_settings.maxTokens}};
    if (!m_settings.openaiModel.isEmpty())
        body.insert(QStringLiteral("model"), m_settings.openaiModel);
    if (withTools) {
        const QJsonObject function{{QStringLiteral("name"), suggestToolName()},
                                   {QStringLiteral("description"), suggestToolDescription()},
                                   {QStringLiteral("parameters"), suggestToolSchema()}};
        body.insert(QStringLiteral("tools"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("function")},
                                                                    {QStringLiteral("function"), function}}});
        body.insert(QStringLiteral("tool_choice"), QStringLiteral("auto"));
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

AssistantResult OpenAiAdapter::reply(const AssistantRequest &request, const std::function<void(const QString &delta)> &onDelta,
                                     const std::atomic_bool &cancelled)
{
    bool refusedTools = false;
    AssistantResult result = attempt(request, true, onDelta, cancelled, &refusedTools);
    if (refusedTools && !cancelled.load()) {
        qCInfo(lcAssistant) << "openai: the server refused the tools field; asking again for a fenced block";
        result = attempt(request, false, onDelta, cancelled, &refusedTools);
    }
    return result;
}

AssistantResult OpenAiAdapter::attempt(const AssistantRequest &request, bool withTools, const std::function<void(const QString &)> &onDelta,
                                       const std::atomic_bool &cancelled, bool *refusedTools)
{
    *refusedTools = false;
    AssistantResult result;
    const AssistantService who = service(m_settings);
    QElapsedTimer clock;
    clock.start();
    StreamedPost post;
    post.url = m_settings.openaiUrl + QStringLiteral("/v1/chat/completions");
    post.body = requestBody(request, withTools);
    if (!m_settings.openaiKey.isEmpty())
        post.headers = {{"Authorization", "Bearer " + m_settings.openaiKey.toUtf8()}};
    SseParser parser;
    FencedSuggestions fenced;
    qint64 firstDeltaMs = -1;
    const auto show = [&](const QString &text) {
        if (text.isEmpty())
            return;
        if (firstDeltaMs < 0)
            firstDeltaMs = clock.elapsed();
        if (onDelta)
            onDelta(text);
    };
    OpenAiStream stream([&](const QString &piece) { show(fenced.accept(piece)); });
    const StreamedResponse response = streamPost(post, [&](const QByteArray &bytes) {
        for (const SseMessage &event : parser.feed(bytes)) {
            if (!stream.take(event))
                return !stream.failed();
        }
        return !parser.overflowed();
    }, cancelled);
    qCInfo(lcAssistant).noquote() << QStringLiteral("openai status=%1 tools=%2 requestBytes=%3 replyBytes=%4 pieces=%5 firstDeltaMs=%6 totalMs=%7")
                                         .arg(response.status).arg(withTools).arg(post.body.size()).arg(response.bytes)
                                         .arg(stream.textPieces()).arg(firstDeltaMs).arg(clock.elapsed());
    if (stream.failed()) {
        result.failure = stream.malformed() ? failureBadReply(who, stream.errorMessage()) : failureMidStream(who, stream.errorMessage());
        return result;
    }
    if (parser.overflowed()) {
        result.failure = failureBadReply(who, QStringLiteral("an event larger than 8 MiB"));
        return result;
    }
    // A stream that ended cleanly after its finish_reason counts as whole even without [DONE].
    const bool complete = stream.done() || (response.failure == StreamedResponse::Failure::None && !stream.finishReason().isEmpty());
    if (!complete && (response.failure != StreamedResponse::Failure::None || response.status < 200 || response.status >= 300)) {
        if (withTools && response.failure == StreamedResponse::Failure::None && (response.status == 400 || response.status == 422)) {
            *refusedTools = true;
        }
        result.failure = failureForCall(response, who, providerMessage(response.errorBody));
        return result;
    }
    if (!complete) {
        result.failure = failureCutShort(who);
        return result;
    }
    const FencedSuggestions::Outcome outcome = fenced.finish();
    show(outcome.tail);
    AssistantReply reply;
    reply.message = {QStringLiteral("assistant"), outcome.content};
    const QByteArray arguments = stream.toolArguments();
    if (!arguments.isEmpty()) {
        const QJsonDocument input = QJsonDocument::fromJson(arguments);
        QString error;
        const auto suggestions = input.isObject() ? suggestionsFromJson(input.object(), &error) : std::nullopt;
        if (!suggestions) {
            result.failure = failureBadReply(who, QStringLiteral("suggestions that are not of the asked shape"));
            return result;
        }
        reply.suggestions = *suggestions;
    } else if (outcome.suggestions) {
        reply.suggestions = *outcome.suggestions; // the documented fallback: the final ```json block
    }
    result.reply = reply;
    return result;
}

} // namespace vesper::backend
