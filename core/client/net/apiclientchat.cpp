// ApiClient's assistant chat (DESIGN §7): POST /api/assistant/chat as JSON, and streamed as
// text/event-stream (deltas, then the suggestions, then done) with a JSON answer read the same way.
#include "client/net/apiclient.h"
#include "client/net/apidecode.h"

namespace vesper::client {
namespace {
QJsonObject chatBody(const QList<ChatMessage> &messages, const PromptContext &context, const QStringList &skillIds)
{
    QJsonArray list;
    for (const ChatMessage &message : messages)
        list.append(message.toJson());
    QJsonObject body{{QStringLiteral("messages"), list}, {QStringLiteral("context"), context.toJson()}};
    if (!skillIds.isEmpty())
        body.insert(QStringLiteral("skillIds"), QJsonArray::fromStringList(skillIds));
    return body;
}
} // namespace

ApiResult<AssistantReply> ApiClient::chat(const QList<ChatMessage> &messages, const PromptContext &context, const QStringList &skillIds)
{
    return apidecode::one<AssistantReply>(send("POST", QStringLiteral("/api/assistant/chat"), chatBody(messages, context, skillIds)));
}

ApiResult<AssistantReply> ApiClient::chatStreamed(const QList<ChatMessage> &messages, const PromptContext &context,
                                                  const QStringList &skillIds, const std::function<void(const QString &)> &onDelta,
                                                  const std::function<bool()> &cancelled)
{
    Q_UNUSED(cancelled)
    // Until HttpClient streams, the JSON answer stands in for the stream: the text arrives once.
    ApiResult<AssistantReply> reply = chat(messages, context, skillIds);
    if (reply.ok() && onDelta && !reply.value.message.content.isEmpty())
        onDelta(reply.value.message.content);
    return reply;
}

} // namespace vesper::client
