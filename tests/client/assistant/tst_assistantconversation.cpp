// The assistant's conversation in the client core against a real vesper-server (its offline coach):
// ApiClient::chat decodes a reply with structured suggestions and refuses bad input clearly; a
// conversation sends with the prompt bar's context, streams its text and stores both sides; it is
// read back from a reopened cache; offline, or with the server gone, the user's message is kept as
// failed with a reason and Retry sends it once the server is back; and a message left on its way
// by a run that ended is offered for Retry.
#include "client/assistant/assistantconversation.h"
#include "client/cache/assistantstore.h"
#include "client/cache/cachedatabase.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "testclient.h"
#include "testserver.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;
using State = ConversationMessage::State;

namespace {
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
