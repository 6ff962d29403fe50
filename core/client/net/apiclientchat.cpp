// ApiClient's assistant chat (DESIGN §7): POST /api/assistant/chat as JSON, and streamed as
// text/event-stream (deltas, then the suggestions, then done) with a JSON answer read the same way.
#include "client/net/apiclient.h"
#include "client/net/apidecode.h"
#include "client/net/chatstreamreader.h"

#include <QJsonDocument>

namespace vesper::client {
namespace {
constexpr qsizetype kMaxJsonReply = 8 << 20;

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
    HttpRequest request;
    request.method = "POST";
    request.url = url(QStringLiteral("/api/assistant/chat"));
    request.body = QJsonDocument(chatBody(messages, context, skillIds)).toJson(QJsonDocument::Compact);
    request.contentType = "application/json";
    request.headers.append({QByteArray("Accept"), QByteArray("text/event-stream")});
    request.idempotent = false;
    request.cancelled = cancelled;
    // The body is read as events as it comes and also kept (up to a cap), in case the server
    // answers JSON instead of a stream: only the Content-Type at the end tells which it was.
    ChatStreamReader reader(onDelta);
    QByteArray whole;
    bool tooLong = false;
    const ApiResult<HttpResponse> answer = exchange(request, [&](QByteArrayView chunk) {
        if (whole.size() + chunk.size() <= kMaxJsonReply)
            whole.append(chunk);
        else
            tooLong = true;
        reader.feed(chunk);
        return true;
    });
    ApiResult<AssistantReply> result;
    result.error = answer.error;
    if (!answer.ok())
        return result;
    if (answer.value.headers.value("content-type").startsWith("text/event-stream"))
        return reader.result();
    // JSON instead of a stream: the whole text arrives at once.
    if (tooLong) {
        result.error = ApiError::badResponse(QStringLiteral("the reply is larger than %1 bytes").arg(kMaxJsonReply));
        return result;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(whole, &parseError);
    result = apidecode::one<AssistantReply>(document.isObject() ? ApiResult<QJsonObject>{document.object(), {}}
                                                                : ApiResult<QJsonObject>{{}, ApiError::badResponse(QStringLiteral("expected a JSON reply or an event stream"))});
    if (result.ok() && onDelta && !result.value.message.content.isEmpty())
        onDelta(result.value.message.content);
    return result;
}

} // namespace vesper::client
