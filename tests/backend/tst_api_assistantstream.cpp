// POST /api/assistant/chat end to end through a real vesper-server whose assistant is Anthropic or
// an OpenAI-compatible server (the fakes in tests/support), on both databases: the JSON answer, the
// streamed one (delta…, one suggestions event, done), failures as an `error` event or a JSON status,
// the bounded runner (503 past it), and a client that hangs up cancelling the upstream call.
#include "fakeanthropic.h"
#include "fakeopenai.h"
#include "rawhttp.h"
#include "sseclient.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QTcpSocket>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace vesper::test;

namespace {
QJsonObject chatBody()
{
    return {{QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                {QStringLiteral("content"), QStringLiteral("Improve it: 雪の中の狐")}}}},
            {QStringLiteral("context"), QJsonObject{{QStringLiteral("currentPrompt"), QStringLiteral("a fox in snow")},
                                                    {QStringLiteral("generationType"), QStringLiteral("image")},
                                                    {QStringLiteral("referenceCount"), 1}}}};
}

QByteArray chatBytes()
{
    return QJsonDocument(chatBody()).toJson(QJsonDocument::Compact);
}

QString joinedDeltas(const QList<ReceivedEvent> &events)
{
    QString out;
    for (const ReceivedEvent &e : events)
        if (e.name == "delta")
            out += e.json().value(QStringLiteral("text")).toString();
    return out;
}

QStringList names(const QList<ReceivedEvent> &events)
{
    QStringList out;
    for (const ReceivedEvent &e : events)
        if (out.isEmpty() || out.last() != QString::fromUtf8(e.name))
            out.append(QString::fromUtf8(e.name)); // runs of deltas as one
    return out;
}
} // namespace

class TestApiAssistantStream : public QObject {
    Q_OBJECT

    FakeAnthropic m_anthropic;
    FakeOpenAi m_openai;
    std::unique_ptr<TestServer> m_server; // assistant: anthropic, one reply at a time (one more queued)
    std::unique_ptr<TestServer> m_openaiServer;
    TestUser m_user;
    TestUser m_openaiUser;

    std::unique_ptr<SseClient> openStream(const TestServer &server, const TestUser &user)
    {
        auto client = std::make_unique<SseClient>();
        QString error;
        if (!client->open(server.port(), "/api/assistant/chat", chatBytes(), user.accessToken, &error))
            qWarning() << "stream did not open:" << error;
        return client;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        QString error;
        QVERIFY2(m_anthropic.start(&error), qPrintable(error));
        QVERIFY2(m_openai.start(&error), qPrintable(error));

        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_ASSISTANT"), QStringLiteral("anthropic"));
        m_server->setEnv(QStringLiteral("ANTHROPIC_API_KEY"), FakeAnthropic::key());
        m_server->setEnv(QStringLiteral("VESPER_ANTHROPIC_MODEL"), FakeAnthropic::model());
        m_server->setEnv(QStringLiteral("VESPER_ANTHROPIC_BASE_URL"), m_anthropic.baseUrl());
        m_server->setEnv(QStringLiteral("VESPER_ASSISTANT_STREAMS"), QStringLiteral("1"));
        m_server->setEnv(QStringLiteral("VESPER_ASSISTANT_RATE_LIMIT"), QStringLiteral("0"));
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_user = TestClient(m_server->baseUrl()).signUp(QStringLiteral("chat-a@example.com"));
        QVERIFY(!m_user.id.isEmpty());

        m_openaiServer = std::make_unique<TestServer>();
        m_openaiServer->setEnv(QStringLiteral("VESPER_ASSISTANT"), QStringLiteral("openai"));
        m_openaiServer->setEnv(QStringLiteral("VESPER_OPENAI_BASE_URL"), m_openai.baseUrl() + QStringLiteral("/v1"));
        m_openaiServer->setEnv(QStringLiteral("VESPER_OPENAI_MODEL"), QStringLiteral("llama-fake"));
        QVERIFY2(m_openaiServer->start(&error), qPrintable(error));
        m_openaiUser = TestClient(m_openaiServer->baseUrl()).signUp(QStringLiteral("chat-o@example.com"));
        QVERIFY(!m_openaiUser.id.isEmpty());
    }

    void jsonAnswerFromAnthropic()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::Success);
        const Reply reply = TestClient(m_server->baseUrl()).post(QStringLiteral("/api/assistant/chat"), chatBody(), m_user.accessToken);
        QCOMPARE(reply.status, 200);
        const AssistantScript script = AssistantScript::standard();
        QCOMPARE(reply.json.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(), script.text());
        QCOMPARE(reply.json.value(QStringLiteral("suggestions")).toArray().size(), script.suggestions.size());
        // the context reached the model's system prompt; the key went as x-api-key
        const StreamRequest upstream = m_anthropic.requests().value(0);
        QCOMPARE(upstream.headers.value("x-api-key"), FakeAnthropic::key().toUtf8());
        QVERIFY(upstream.json().value(QStringLiteral("system")).toString().contains(QStringLiteral("a fox in snow")));
    }

    void streamedAnswerFromAnthropic()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::Awkward);
        const auto client = openStream(*m_server, m_user);
        QCOMPARE(client->status(), 200);
        QVERIFY(client->header("content-type").startsWith("text/event-stream"));
        const QList<ReceivedEvent> events = client->rest();
        QCOMPARE(names(events), (QStringList{QStringLiteral("delta"), QStringLiteral("suggestions"), QStringLiteral("done")}));
        const AssistantScript script = AssistantScript::standard();
        QCOMPARE(joinedDeltas(events), script.text());
        QCOMPARE(events.at(events.size() - 2).json().value(QStringLiteral("suggestions")).toArray(), script.suggestions);
        const QJsonObject message = events.last().json().value(QStringLiteral("message")).toObject();
        QCOMPARE(message.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
        QCOMPARE(message.value(QStringLiteral("content")).toString(), script.text());
    }

    void upstreamRateLimitIsAnErrorEventOrA429()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::RateLimited);
        const auto client = openStream(*m_server, m_user);
        QCOMPARE(client->status(), 200);
        const QList<ReceivedEvent> events = client->rest();
        QCOMPARE(names(events), QStringList{QStringLiteral("error")});
        QCOMPARE(events.first().json().value(QStringLiteral("code")).toString(), QStringLiteral("RATE_LIMITED"));
        QCOMPARE(events.first().json().value(QStringLiteral("retryAfter")).toInt(), 7);

        const Reply reply = TestClient(m_server->baseUrl()).post(QStringLiteral("/api/assistant/chat"), chatBody(), m_user.accessToken);
        QCOMPARE(reply.status, 429);
        QCOMPARE(reply.code(), QStringLiteral("RATE_LIMITED"));
        QCOMPARE(reply.headers.value("retry-after"), QByteArray("7"));
    }

    void errorEventMidStreamAfterDeltas()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::ErrorMidStream);
        const auto client = openStream(*m_server, m_user);
        const QList<ReceivedEvent> events = client->rest();
        QCOMPARE(names(events), (QStringList{QStringLiteral("delta"), QStringLiteral("error")}));
        QCOMPARE(events.last().json().value(QStringLiteral("code")).toString(), QStringLiteral("PROVIDER_ERROR"));
        QVERIFY(events.last().json().value(QStringLiteral("error")).toString().contains(FakeAnthropic::errorMessage()));
    }

    void badBodyIsAJson400NotAStream()
    {
        SseClient client;
        QString error;
        QVERIFY2(client.open(m_server->port(), "/api/assistant/chat", R"({"messages":"nope"})", m_user.accessToken, &error), qPrintable(error));
        QCOMPARE(client.status(), 400);
        QCOMPARE(QJsonDocument::fromJson(client.plainBody()).object().value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
    }

    void clientThatLeavesCancelsTheUpstreamCall()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::HangAfterFirstDelta);
        // One reply runs and one waits (VESPER_ASSISTANT_STREAMS=1): a third is refused at once.
        const auto first = openStream(*m_server, m_user);
        QCOMPARE(first->status(), 200);
        const auto delta = first->next();
        QVERIFY(delta && delta->name == "delta");
        const auto second = openStream(*m_server, m_user);
        QCOMPARE(second->status(), 200);
        SseClient third;
        QString error;
        QVERIFY(third.open(m_server->port(), "/api/assistant/chat", chatBytes(), m_user.accessToken, &error));
        QCOMPARE(third.status(), 503);
        QVERIFY(!third.header("retry-after").isEmpty());
        QCOMPARE(m_anthropic.openConnections(), 1); // the second waits its turn

        // Both leave; the heartbeat notices, the upstream call is cut, the slots come free.
        first->abort();
        second->abort();
        QTRY_COMPARE_WITH_TIMEOUT(m_anthropic.openConnections(), 0, 15000);
        m_anthropic.setScenario(FakeAnthropic::Scenario::Success);
        int status = 0;
        QElapsedTimer waited;
        waited.start();
        while ((status = openStream(*m_server, m_user)->status()) == 503 && waited.elapsed() < 15000)
            QTest::qWait(100);
        QCOMPARE(status, 200);
    }

    void openAiServerIgnoringToolsStillGivesStructuredSuggestions()
    {
        m_openai.setScenario(FakeOpenAi::Scenario::IgnoreTools);
        const auto client = openStream(*m_openaiServer, m_openaiUser);
        QCOMPARE(client->status(), 200);
        const QList<ReceivedEvent> events = client->rest();
        QCOMPARE(names(events), (QStringList{QStringLiteral("delta"), QStringLiteral("suggestions"), QStringLiteral("done")}));
        QVERIFY(!joinedDeltas(events).contains(QStringLiteral("```")));
        QCOMPARE(events.at(events.size() - 2).json().value(QStringLiteral("suggestions")).toArray(), AssistantScript::standard().suggestions);
        QCOMPARE(m_openai.requests().value(0).json().value(QStringLiteral("model")).toString(), QStringLiteral("llama-fake"));
    }

    void openAiStreamCutAwkwardly()
    {
        m_openai.setScenario(FakeOpenAi::Scenario::Awkward);
        const auto client = openStream(*m_openaiServer, m_openaiUser);
        const QList<ReceivedEvent> events = client->rest();
        QCOMPARE(joinedDeltas(events), AssistantScript::standard().text());
        QCOMPARE(names(events).last(), QStringLiteral("done"));
    }
    // Last: it leaves one HTTP thread waiting on a silent model until the server stops. An unstreamed
    // chat with a remote model holds an HTTP thread, so only a quarter of them may (1 of 4 here).
    void unstreamedChatsWithARemoteModelAreBounded()
    {
        m_anthropic.setScenario(FakeAnthropic::Scenario::HangAfterFirstDelta);
        QTcpSocket held;
        held.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(held.waitForConnected(5000));
        held.write(requestHead("POST", "/api/assistant/chat", m_user.accessToken, chatBytes().size()) + chatBytes());
        QVERIFY(held.waitForBytesWritten(5000));
        QTRY_COMPARE_WITH_TIMEOUT(m_anthropic.openConnections(), 1, 10000);
        const Reply refused = TestClient(m_server->baseUrl()).post(QStringLiteral("/api/assistant/chat"), chatBody(), m_user.accessToken);
        QCOMPARE(refused.status, 503);
        QVERIFY(refused.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("text/event-stream")));
        // Streaming is not held up by it.
        m_anthropic.setScenario(FakeAnthropic::Scenario::Success);
        QCOMPARE(openStream(*m_server, m_user)->status(), 200);
        held.abort();
    }
};

QTEST_GUILESS_MAIN(TestApiAssistantStream)
#include "tst_api_assistantstream.moc"
