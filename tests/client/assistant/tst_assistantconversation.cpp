// The assistant's conversation in the client core against a real vesper-server (its offline coach):
// ApiClient::chat decodes a reply with structured suggestions and refuses bad input clearly; a
// conversation sends with the prompt bar's context, streams its text and stores both sides; it is
// read back from a reopened cache; offline, or with the server gone, the user's message is kept as
// failed with a reason and Retry sends it once the server is back; and a message left on its way
// by a run that ended is offered for Retry. Against a streaming test server: deltas arrive as the
// events do (before the stream ends), a JSON answer is read instead when the server sends one, an
// error event, a dropped connection and Stop each end the call with a clear error.
#include "client/assistant/assistantconversation.h"
#include "client/cache/assistantstore.h"
#include "client/cache/cachedatabase.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "ssestreamserver.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;
using State = ConversationMessage::State;

namespace {
QByteArray sseEvent(const char *name, const QJsonObject &data)
{
    return QByteArray("event: ") + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

/// A reply streamed in three deltas, the suggestions and done, cut at awkward places.
StreamPlan streamedReply(const QString &text, int delayMs, StreamPlan::End end = StreamPlan::End::Finish)
{
    QByteArray bytes;
    for (int i = 0; i < 3; ++i)
        bytes += sseEvent("delta", {{QStringLiteral("text"), text.mid(i * text.size() / 3, i == 2 ? -1 : text.size() / 3)}});
    Suggestion s;
    s.prompt = QStringLiteral("a red kite over the harbour, golden hour");
    s.rationale = QStringLiteral("added lighting");
    bytes += sseEvent("suggestions", {{QStringLiteral("suggestions"), QJsonArray{s.toJson()}}});
    if (end == StreamPlan::End::Finish)
        bytes += sseEvent("done", {{QStringLiteral("message"), ChatMessage{QStringLiteral("assistant"), text}.toJson()}});
    StreamPlan plan;
    plan.pieces = splitAt(bytes, awkwardOffsets(bytes));
    plan.pieceDelayMs = delayMs;
    plan.end = end;
    return plan;
}

PromptContext kiteContext()
{
    PromptContext context;
    context.currentPrompt = QStringLiteral("a red kite over the harbour");
    context.modelId = QStringLiteral("sketch");
    context.generationType = QStringLiteral("image");
    return context;
}
} // namespace

class TestAssistantConversation : public QObject {
    Q_OBJECT

    std::unique_ptr<TestServer> m_server;
    TestUser m_user;

    std::unique_ptr<ApiClient> apiFor(HttpClient &http)
    {
        auto api = std::make_unique<ApiClient>(&http, m_server->baseUrl());
        api->setFixedToken(m_user.accessToken);
        return api;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        QVERIFY2(m_server->start(&reason), qPrintable(reason));
        m_user = TestClient(m_server->baseUrl()).signUp(QStringLiteral("assistant@example.com"));
        QVERIFY(!m_user.accessToken.isEmpty());
    }

    void chatDecodesSuggestions()
    {
        HttpClient http;
        const auto api = apiFor(http);
        const ApiResult<AssistantReply> reply = api->chat({{QStringLiteral("user"), QStringLiteral("Make this prompt richer.")}}, kiteContext());
        QVERIFY2(reply.ok(), qPrintable(describe(reply.error)));
        QCOMPARE(reply.value.message.role, QStringLiteral("assistant"));
        QVERIFY(!reply.value.message.content.isEmpty());
        QVERIFY(!reply.value.suggestions.isEmpty());
        // The coach keeps the user's subject and wording.
        QVERIFY2(reply.value.suggestions.first().prompt.contains(QStringLiteral("a red kite over the harbour")),
                 qPrintable(reply.value.suggestions.first().prompt));

        // No message to answer: a clear 400, not a crash or an empty reply.
        const ApiResult<AssistantReply> empty = api->chat({}, kiteContext());
        QCOMPARE(empty.error.kind, ApiError::Kind::Http);
        QCOMPARE(empty.error.status, 400);
        QVERIFY(!empty.error.message.isEmpty());
    }

    void sendStreamsAndStoresBothSides()
    {
        QTemporaryDir dir;
        HttpClient http;
        const auto api = apiFor(http);
        {
            CacheDatabase database(dir.path());
            QString error;
            QVERIFY2(database.open(&error), qPrintable(error));
            AssistantStore store(database);
            AssistantConversation chat(*api, store, QStringLiteral("session-1"));
            QVERIFY(chat.messages().isEmpty());
            QSignalSpy streamed(&chat, &AssistantConversation::streamed);
            QSignalSpy replied(&chat, &AssistantConversation::replied);
            QSignalSpy failed(&chat, &AssistantConversation::failed);

            QVERIFY(!chat.send(QStringLiteral("   "), kiteContext(), {})); // blank: nothing stored
            QVERIFY(chat.messages().isEmpty());
            QVERIFY(chat.send(QStringLiteral("How can I make it moodier?"), kiteContext(), {}));
            QVERIFY(chat.isBusy());
            QVERIFY(!chat.send(QStringLiteral("a second one at once"), kiteContext(), {})); // one at a time
            QCOMPARE(chat.messages().size(), 1);
            QCOMPARE(chat.messages().first().state, State::Sending);
            QVERIFY(replied.wait(20000));
            QCOMPARE(failed.size(), 0);
            QVERIFY(!chat.isBusy());
            const AssistantReply reply = replied.first().first().value<AssistantReply>();
            QVERIFY(!streamed.isEmpty());
            QCOMPARE(streamed.last().first().toString(), reply.message.content); // the deltas add up to the reply
            QCOMPARE(chat.messages().size(), 2);
            QCOMPARE(chat.messages().at(0).state, State::Sent);
            QCOMPARE(chat.messages().at(1).role, QStringLiteral("assistant"));
            QCOMPARE(chat.messages().at(1).content, reply.message.content);
            QCOMPARE(chat.messages().at(1).suggestions, reply.suggestions);

            // A follow-up goes with the conversation so far.
            QVERIFY(chat.send(QStringLiteral("Now for a square cover."), kiteContext(), {}));
            QVERIFY(replied.wait(20000));
            QCOMPARE(chat.messages().size(), 4);
            // The Enhance button's answer joins the conversation as the assistant's.
            Suggestion enhanced;
            enhanced.prompt = QStringLiteral("a red kite over the harbour, soft light");
            enhanced.rationale = QStringLiteral("added lighting");
            QVERIFY(chat.addLocalReply(QStringLiteral("Enhanced prompt"), {enhanced}));
            QCOMPARE(chat.messages().size(), 5);
        }
        // Another conversation object on a reopened cache (the app restarted) reads it all back.
        CacheDatabase reopened(dir.path());
        QString error;
        QVERIFY2(reopened.open(&error), qPrintable(error));
        AssistantStore store(reopened);
        AssistantConversation again(*api, store, QStringLiteral("session-1"));
        QCOMPARE(again.messages().size(), 5);
        QCOMPARE(again.messages().at(0).content, QStringLiteral("How can I make it moodier?"));
        QCOMPARE(again.messages().at(4).suggestions.first().prompt, QStringLiteral("a red kite over the harbour, soft light"));
        // Other sessions have their own (empty) conversation.
        QVERIFY(AssistantConversation(*api, store, QStringLiteral("session-2")).messages().isEmpty());
    }

    void offlineKeepsTheMessage()
    {
        QTemporaryDir dir;
        CacheDatabase database(dir.path());
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        AssistantStore store(database);
        HttpClient http;
        const auto api = apiFor(http);
        AssistantConversation chat(*api, store, QStringLiteral("session-offline"));
        chat.setOffline(true);
        QSignalSpy failed(&chat, &AssistantConversation::failed);
        QSignalSpy replied(&chat, &AssistantConversation::replied);
        QVERIFY(chat.send(QStringLiteral("Suggest a lighting setup."), kiteContext(), {}));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(failed.first().first().value<ApiError>().kind, ApiError::Kind::Offline);
        QVERIFY(!chat.isBusy());
        QCOMPARE(chat.messages().size(), 1);
        QCOMPARE(chat.messages().first().state, State::Failed);
        QVERIFY(chat.messages().first().error.contains(QStringLiteral("offline")));

        // Back online: Retry sends the same text and the answer follows it.
        chat.setOffline(false);
        const qint64 id = chat.messages().first().id;
        QVERIFY(chat.retry(id, kiteContext(), {}));
        QVERIFY(replied.wait(20000));
        QCOMPARE(chat.messages().size(), 2);
        QCOMPARE(chat.messages().at(0).content, QStringLiteral("Suggest a lighting setup."));
        QCOMPARE(chat.messages().at(0).state, State::Sent);
        QCOMPARE(chat.messages().at(1).role, QStringLiteral("assistant"));
    }

    void serverAwayKeepsTheMessageForRetry()
    {
        QTemporaryDir dir;
        CacheDatabase database(dir.path());
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        AssistantStore store(database);
        HttpClientOptions options;
        options.maxAttempts = 1;
        HttpClient http(options);
        const auto api = apiFor(http);
        AssistantConversation chat(*api, store, QStringLiteral("session-away"));
        QSignalSpy failed(&chat, &AssistantConversation::failed);
        QSignalSpy replied(&chat, &AssistantConversation::replied);

        const quint16 port = m_server->port();
        m_server->stop();
        QVERIFY(chat.send(QStringLiteral("Is the horizon too centred?"), kiteContext(), {}));
        QVERIFY(failed.wait(20000));
        QVERIFY(failed.first().first().value<ApiError>().isTransient());
        QCOMPARE(chat.messages().size(), 1);
        QCOMPARE(chat.messages().first().state, State::Failed);
        QVERIFY(!chat.messages().first().error.isEmpty());

        // Discard gives the text back for the input field; Retry after the server returns sends it.
        QVERIFY2(m_server->start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(error));
        QVERIFY(chat.retry(chat.messages().first().id, kiteContext(), {}));
        QVERIFY(replied.wait(20000));
        QCOMPARE(chat.messages().size(), 2);
        QCOMPARE(chat.messages().at(0).state, State::Sent);
        QCOMPARE(chat.discard(chat.messages().at(0).id), QString()); // only failed messages are discarded
    }

    void interruptedSendIsOfferedForRetry()
    {
        QTemporaryDir dir;
        CacheDatabase database(dir.path());
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        AssistantStore store(database);
        ConversationMessage cutOff;
        cutOff.sessionId = QStringLiteral("session-cut");
        cutOff.role = QStringLiteral("user");
        cutOff.content = QStringLiteral("written just before the app closed");
        cutOff.state = State::Sending;
        QVERIFY2(store.append(cutOff, &error) > 0, qPrintable(error));
        HttpClient http;
        const auto api = apiFor(http);
        AssistantConversation chat(*api, store, QStringLiteral("session-cut"));
        QCOMPARE(chat.messages().size(), 1);
        QCOMPARE(chat.messages().first().state, State::Failed);
        QCOMPARE(chat.discard(chat.messages().first().id), cutOff.content);
        QVERIFY(chat.messages().isEmpty());
        QVERIFY(store.messages(QStringLiteral("session-cut")).isEmpty());
    }

    void streamsAsEventsArrive()
    {
        const QString text = QStringLiteral("Golden hour light — “warm” 🌅 and 夕焼け across the water.");
        std::atomic<int> mode{0}; // 0 stream, 1 JSON, 2 error event, 3 dropped, 4 hang
        SseStreamServer fake([&](const StreamRequest &request) {
            if (request.path != "/api/assistant/chat" || !request.headers.value("authorization").startsWith("Bearer "))
                return StreamPlan::json(404, R"({"error":"no","code":"NOT_FOUND"})");
            if (mode == 1) {
                AssistantReply reply{ChatMessage{QStringLiteral("assistant"), text}, {}};
                return StreamPlan::json(200, QJsonDocument(reply.toJson()).toJson(QJsonDocument::Compact));
            }
            if (mode == 2) {
                StreamPlan plan;
                plan.pieces = {sseEvent("delta", {{QStringLiteral("text"), QStringLiteral("Half")}}),
                               sseEvent("error", {{QStringLiteral("error"), QStringLiteral("The model's quota is used up.")},
                                                  {QStringLiteral("code"), QStringLiteral("RATE_LIMITED")}, {QStringLiteral("retryAfter"), 30}})};
                return plan;
            }
            if (!request.headers.value("accept").contains("text/event-stream"))
                return StreamPlan::json(406, R"({"error":"the test wants a stream","code":"VALIDATION_ERROR"})");
            if (mode == 3)
                return streamedReply(text, 0, StreamPlan::End::Drop);
            if (mode == 4)
                return streamedReply(text, 0, StreamPlan::End::Hang);
            return streamedReply(text, 15);
        });
        QString error;
        QVERIFY2(fake.start(&error), qPrintable(error));
        HttpClientOptions options;
        options.maxAttempts = 1;
        HttpClient http(options);
        ApiClient api(&http, fake.baseUrl());
        api.setFixedToken(QStringLiteral("token"));
        const QList<ChatMessage> ask{{QStringLiteral("user"), QStringLiteral("Light it.")}};

        // Streamed: each delta is reported as its event completes, well before the stream ends.
        QElapsedTimer clock;
        clock.start();
        QString seen;
        qint64 firstDeltaMs = -1;
        ApiResult<AssistantReply> reply = api.chatStreamed(ask, kiteContext(), {}, [&](const QString &delta) {
            if (firstDeltaMs < 0)
                firstDeltaMs = clock.elapsed();
            seen += delta;
        });
        const qint64 totalMs = clock.elapsed();
        QVERIFY2(reply.ok(), qPrintable(describe(reply.error)));
        QCOMPARE(seen, text);
        QCOMPARE(reply.value.message.content, text);
        QCOMPARE(reply.value.suggestions.size(), 1);
        QVERIFY2(firstDeltaMs >= 0 && firstDeltaMs < totalMs / 2, qPrintable(QStringLiteral("first delta at %1 of %2 ms").arg(firstDeltaMs).arg(totalMs)));

        // JSON instead: the same reply, the text reported once.
        mode = 1;
        seen.clear();
        reply = api.chatStreamed(ask, kiteContext(), {}, [&](const QString &delta) { seen += delta; });
        QVERIFY2(reply.ok(), qPrintable(describe(reply.error)));
        QCOMPARE(seen, text);

        // An error event: the server's message and code, transient with its Retry-After.
        mode = 2;
        reply = api.chatStreamed(ask, kiteContext(), {}, {});
        QCOMPARE(reply.error.code, QStringLiteral("RATE_LIMITED"));
        QCOMPARE(reply.error.retryAfterSeconds, 30);
        QCOMPARE(reply.error.message, QStringLiteral("The model's quota is used up."));

        // Cut off before done: a network error, not a half reply.
        mode = 3;
        reply = api.chatStreamed(ask, kiteContext(), {}, {});
        QVERIFY(!reply.ok());
        QVERIFY(reply.error.isTransient());

        // A hanging stream stopped from the conversation (Stop): the message is kept for Retry.
        mode = 4;
        QTemporaryDir dir;
        CacheDatabase database(dir.path());
        QVERIFY2(database.open(&error), qPrintable(error));
        AssistantStore store(database);
        AssistantConversation chat(api, store, QStringLiteral("session-stop"));
        QSignalSpy streamed(&chat, &AssistantConversation::streamed);
        QSignalSpy failed(&chat, &AssistantConversation::failed);
        QVERIFY(chat.send(QStringLiteral("Light it."), kiteContext(), {}));
        QVERIFY(streamed.wait(10000));
        QTRY_COMPARE_WITH_TIMEOUT(chat.streamingText(), text, 10000); // the three deltas arrived; done never comes
        chat.stop();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().value<ApiError>().kind, ApiError::Kind::Cancelled);
        QCOMPARE(chat.messages().size(), 1);
        QCOMPARE(chat.messages().first().state, State::Failed);
        QVERIFY(!chat.isBusy());
    }

    void skillsAreKept()
    {
        QTemporaryDir dir;
        CacheDatabase database(dir.path());
        QString error;
        QVERIFY2(database.open(&error), qPrintable(error));
        AssistantStore store(database);
        HttpClient http;
        const auto api = apiFor(http);
        const ApiResult<QList<SkillSummary>> skills = api->skills();
        QVERIFY2(skills.ok(), qPrintable(describe(skills.error)));
        QVERIFY(skills.value.size() >= 5);
        QVERIFY(store.saveSkills(skills.value, &error));
        QCOMPARE(store.skills(), skills.value);
        QVERIFY(store.saveSkills({}, &error));
        QVERIFY(store.skills().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAssistantConversation)
#include "tst_assistantconversation.moc"
