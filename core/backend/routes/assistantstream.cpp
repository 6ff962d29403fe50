#include "backend/routes/assistantstream.h"
#include "backend/context/assistantrunner.h"
#include "backend/context/servercontext.h"
#include "backend/http/responsestream.h"
#include "backend/http/sseevent.h"
#include "common/logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {
namespace {
QByteArray event(const char *name, const QJsonObject &data)
{
    SseEvent e;
    e.event = name;
    e.data = QJsonDocument(data).toJson(QJsonDocument::Compact);
    return e.encode();
}

/// What one streamed reply needs on the runner's thread; shared with the stream's close callback.
struct StreamedChat {
    AssistantRequest request;
    std::unique_ptr<AssistantAdapter> adapter;
    std::shared_ptr<ResponseStream> stream;
    std::shared_ptr<std::atomic_bool> cancelled;
    QElapsedTimer sinceRequest; // started when the HTTP thread took the request
};

void run(StreamedChat &chat)
{
    ResponseStream &stream = *chat.stream;
    std::atomic_bool &cancelled = *chat.cancelled;
    const auto send = [&](const QByteArray &bytes) {
        if (!stream.write(bytes))
            cancelled = true; // the client left: stop asking the model
    };
    const qint64 queuedMs = chat.sinceRequest.elapsed();
    qint64 firstDeltaMs = -1;
    int deltas = 0;
    qsizetype charsOut = 0;
    AssistantResult result;
    try {
        result = chat.adapter->reply(chat.request, [&](const QString &text) {
            if (firstDeltaMs < 0)
                firstDeltaMs = chat.sinceRequest.elapsed();
            ++deltas;
            charsOut += text.size();
            send(event("delta", {{QStringLiteral("text"), text}}));
        }, cancelled);
    } catch (const std::exception &e) {
        qCWarning(lcAssistant) << "streamed chat: the adapter threw:" << e.what();
        result.failure = {ErrorCode::Internal, QStringLiteral("The assistant failed unexpectedly."), 0};
    }
    if (result.reply) {
        QJsonArray suggestions;
        for (const Suggestion &s : result.reply->suggestions)
            suggestions.append(s.toJson());
        send(event("suggestions", {{QStringLiteral("suggestions"), suggestions}}));
        send(event("done", {{QStringLiteral("message"), result.reply->message.toJson()}}));
    } else {
        QJsonObject error{{QStringLiteral("error"), result.failure.message}, {QStringLiteral("code"), errorCodeName(result.failure.code)}};
        if (result.failure.retryAfterSeconds > 0)
            error.insert(QStringLiteral("retryAfter"), result.failure.retryAfterSeconds);
        send(event("error", error));
    }
    stream.finish();
    qCInfo(lcAssistant).noquote() << QStringLiteral("chat stream via %1: %2, %3 messages, %4 skills, %5 deltas, %6 chars out, %7 suggestions, "
                                                    "queued %8 ms, first delta %9 ms, total %10 ms%11")
                                         .arg(chat.adapter->name(), result.reply ? QStringLiteral("ok") : errorCodeName(result.failure.code))
                                         .arg(chat.request.messages.size()).arg(chat.request.skills.size()).arg(deltas).arg(charsOut)
                                         .arg(result.reply ? result.reply->suggestions.size() : 0)
                                         .arg(queuedMs).arg(firstDeltaMs).arg(chat.sinceRequest.elapsed())
                                         .arg(cancelled.load() ? QStringLiteral(" (client gone)") : QString());
}
} // namespace

bool wantsEventStream(const HttpRequest &request)
{
    return request.header("accept").contains("text/event-stream");
}

HttpResponse streamChat(ServerContext &context, AssistantRequest request, std::unique_ptr<AssistantAdapter> adapter)
{
    auto chat = std::make_shared<StreamedChat>();
    chat->sinceRequest.start();
    chat->request = std::move(request);
    chat->adapter = std::move(adapter);
    chat->stream = std::make_shared<ResponseStream>();
    chat->cancelled = std::make_shared<std::atomic_bool>(false);
    // The close callback holds the flag only: the stream must not own what owns it.
    chat->stream->setOnClosed([cancelled = chat->cancelled] { *cancelled = true; });
    // The heartbeat (an SSE comment) is what notices a client that left while the model is silent.
    context.assistantRunner->start([chat] { run(*chat); }, chat->cancelled,
                                   [stream = chat->stream] { return stream->write(SseEvent::comment()); });

    HttpResponse response;
    response.contentType = "text/event-stream; charset=utf-8";
    response.stream = chat->stream;
    response.setHeader("Cache-Control", "no-cache");
    response.setHeader("X-Accel-Buffering", "no"); // a reverse proxy passes each event on at once
    return response;
}

} // namespace vesper::backend
