#include "client/net/chatstreamreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::client {

namespace {
/// The status an error event's code stands for, so isTransient() reads it as the HTTP answer would.
int statusOf(const QString &code)
{
    if (code == QLatin1String("RATE_LIMITED"))
        return 429;
    if (code == QLatin1String("VALIDATION_ERROR"))
        return 400;
    if (code == QLatin1String("UNAUTHORIZED"))
        return 401;
    if (code == QLatin1String("FORBIDDEN"))
        return 403;
    if (code == QLatin1String("NOT_FOUND"))
        return 404;
    return 502; // the model behind the server failed
}
} // namespace

ChatStreamReader::ChatStreamReader(std::function<void(const QString &)> onDelta)
    : m_onDelta(std::move(onDelta))
{
}

void ChatStreamReader::feed(QByteArrayView bytes)
{
    for (const SseMessage &message : m_parser.feed(bytes)) {
        if (m_finished)
            return;
        event(message);
    }
}

void ChatStreamReader::malformed(const QString &what)
{
    m_error = ApiError::badResponse(what);
    m_finished = true;
}

void ChatStreamReader::event(const SseMessage &message)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(message.data.toUtf8(), &parseError);
    if (message.event == QLatin1String("message") || message.event == QLatin1String("ping"))
        return; // no event name: nothing of ours (heartbeats and unknown data are skipped)
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformed(QStringLiteral("the %1 event's data is not a JSON object").arg(message.event));
    const QJsonObject data = document.object();
    if (message.event == QLatin1String("delta")) {
        const QString text = data.value(QStringLiteral("text")).toString();
        m_text += text;
        if (m_onDelta && !text.isEmpty())
            m_onDelta(text);
    } else if (message.event == QLatin1String("suggestions")) {
        const QJsonValue list = data.value(QStringLiteral("suggestions"));
        if (!list.isArray())
            return malformed(QStringLiteral("the suggestions event needs a suggestions array"));
        QList<Suggestion> suggestions;
        for (const QJsonValue &value : list.toArray()) {
            QString problem = QStringLiteral("expected an object");
            std::optional<Suggestion> suggestion = value.isObject() ? Suggestion::fromJson(value.toObject(), &problem) : std::nullopt;
            if (!suggestion)
                return malformed(QStringLiteral("suggestions[%1]: %2").arg(suggestions.size()).arg(problem));
            suggestions.append(std::move(*suggestion));
        }
        m_reply.suggestions = suggestions;
    } else if (message.event == QLatin1String("done")) {
        QString problem;
        std::optional<ChatMessage> reply = ChatMessage::fromJson(data.value(QStringLiteral("message")).toObject(), &problem);
        if (!reply)
            return malformed(QStringLiteral("done.message: %1").arg(problem));
        m_reply.message = *reply;
        m_done = true;
        m_finished = true;
    } else if (message.event == QLatin1String("error")) {
        m_error.kind = ApiError::Kind::Http;
        m_error.code = data.value(QStringLiteral("code")).toString();
        m_error.status = statusOf(m_error.code);
        m_error.message = data.value(QStringLiteral("error")).toString(QStringLiteral("The assistant failed."));
        m_error.retryAfterSeconds = data.value(QStringLiteral("retryAfter")).toInt();
        m_error.body = data;
        m_finished = true;
    }
}

ApiResult<AssistantReply> ChatStreamReader::result() const
{
    ApiResult<AssistantReply> result;
    if (!m_error.ok()) {
        result.error = m_error;
    } else if (!m_done) {
        result.error.kind = ApiError::Kind::Network;
        result.error.message = QStringLiteral("The answer broke off before it was complete.");
    } else {
        result.value = m_reply;
        if (result.value.message.content.isEmpty())
            result.value.message.content = m_text; // a done without the text repeats nothing
    }
    return result;
}

} // namespace vesper::client
