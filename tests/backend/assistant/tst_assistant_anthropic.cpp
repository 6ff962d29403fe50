// The Anthropic adapter against FakeAnthropic, a server that streams the Messages API: text and the
// suggest_prompts tool's input read from the stream however it is cut, and every failure (error
// event, disconnect, 429, 529, refused key, nobody listening, cancel) read as a clear AssistantFailure.
#include "adapterrun.h"
#include "fakeanthropic.h"

#include "backend/assistant/anthropicadapter.h"
#include "backend/assistant/streamingpost.h"

#include <QJsonArray>
#include <QTcpServer>
#include <QTest>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::test;

class TestAssistantAnthropic : public QObject {
    Q_OBJECT
    FakeAnthropic m_fake;

    AssistantSettings settings(const QString &key = FakeAnthropic::key()) const
    {
        AssistantSettings s;
        s.adapter = QStringLiteral("anthropic");
        s.anthropicKey = key;
        s.anthropicModel = FakeAnthropic::model();
        s.anthropicUrl = m_fake.baseUrl() + QStringLiteral("/"); // a trailing slash is tolerated
        return s;
    }

    AdapterRun run(FakeAnthropic::Scenario scenario, bool cancelAfterFirstDelta = false)
    {
        m_fake.setScenario(scenario);
        AnthropicAdapter adapter(settings());
        return runAdapter(adapter, sampleRequest(), cancelAfterFirstDelta);
    }

    static QList<Suggestion> expectedSuggestions()
    {
        QList<Suggestion> out;
        for (const QJsonValue &v : AssistantScript::standard().suggestions)
            out.append(*Suggestion::fromJson(v.toObject()));
        return out;
    }

    void verifyWholeReply(const AdapterRun &r)
    {
        QVERIFY2(r.result.reply, qPrintable(r.result.failure.message));
        const QString text = AssistantScript::standard().text();
        QCOMPARE(r.text(), text);
        QVERIFY(!r.text().contains(QChar::ReplacementCharacter));
        QCOMPARE(r.result.reply->message.role, QStringLiteral("assistant"));
        QCOMPARE(r.result.reply->message.content, text);
        QCOMPARE(r.result.reply->suggestions, expectedSuggestions());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fake.start(&error), qPrintable(error));
    }

    void streamsTextAndReadsSuggestionsFromTheTool()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::Success);
        verifyWholeReply(r);
        QCOMPARE(r.deltas.size(), AssistantScript::standard().textPieces.size());

        const QList<StreamRequest> requests = m_fake.requests();
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.first().headers.value("anthropic-version"), QByteArray("2023-06-01"));
        const QJsonObject body = requests.first().json();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), FakeAnthropic::model());
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        const QJsonObject tool = body.value(QStringLiteral("tools")).toArray().first().toObject();
        QCOMPARE(tool.value(QStringLiteral("name")).toString(), QStringLiteral("suggest_prompts"));
        QVERIFY(tool.value(QStringLiteral("input_schema")).toObject().value(QStringLiteral("properties")).toObject().contains(QStringLiteral("suggestions")));
        const QString system = body.value(QStringLiteral("system")).toString();
        QVERIFY(system.contains(QStringLiteral("name the light source (golden hour, softbox)"))); // the skill's body
        QVERIFY(system.contains(QStringLiteral("a red fox in snow, キツネ")));                       // the prompt
        QVERIFY(system.contains(QStringLiteral("gemini-image")));
        QVERIFY(system.contains(QStringLiteral("Reference images attached: 2")));
        QVERIFY(system.contains(QStringLiteral("Never invent facts")));
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages.first().toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Make my fox prompt better, please."));
    }

    void bytesCutInsideCharactersAndEvents()
    {
        // The fake cuts after the lead byte of every multi-byte character (the Japanese text, the
        // emoji) and in the middle of every line, one chunk each, 1 ms apart.
        const QByteArray bytes = m_fake.streamBytes();
        QVERIFY(splitAt(bytes, awkwardOffsets(bytes)).size() > 3 * bytes.count("\n\n"));
        verifyWholeReply(run(FakeAnthropic::Scenario::Awkward));

        // and the client really read them cut: some piece ends on a UTF-8 lead byte
        m_fake.setScenario(FakeAnthropic::Scenario::Awkward);
        StreamedPost post;
        post.url = m_fake.baseUrl() + QStringLiteral("/v1/messages");
        post.body = AnthropicAdapter(settings()).requestBody(sampleRequest());
        post.headers = {{"x-api-key", FakeAnthropic::key().toUtf8()}, {"anthropic-version", "2023-06-01"}};
        QList<QByteArray> pieces;
        std::atomic_bool cancelled = false;
        const StreamedResponse response = streamPost(post, [&](const QByteArray &piece) {
            pieces.append(QByteArray(piece.constData(), piece.size()));
            return true;
        }, cancelled);
        QCOMPARE(response.status, 200);
        QCOMPARE(pieces.join(), bytes);
        QVERIFY(std::any_of(pieces.begin(), pieces.end(), [](const QByteArray &p) { return static_cast<unsigned char>(p.back()) >= 0xC0; }));
    }

    void errorEventMidStream()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::ErrorMidStream);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(FakeAnthropic::errorMessage()), qPrintable(r.result.failure.message));
        QVERIFY(!r.deltas.isEmpty()); // the part that arrived was delivered
        QVERIFY(AssistantScript::standard().text().startsWith(r.text()));
    }

    void disconnectMidStream()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::DisconnectMidStream);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(QStringLiteral("the connection closed before the reply finished")),
                 qPrintable(r.result.failure.message));
        QVERIFY(!r.deltas.isEmpty());
    }

    void rateLimitedWithRetryAfter()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::RateLimited);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::RateLimited);
        QCOMPARE(r.result.failure.retryAfterSeconds, 7);
        QVERIFY(r.deltas.isEmpty());
    }

    void overloaded()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::Overloaded);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(QStringLiteral("Anthropic is overloaded; try again")), qPrintable(r.result.failure.message));
    }

    void invalidKeyIsRefused()
    {
        m_fake.setScenario(FakeAnthropic::Scenario::Success);
        AnthropicAdapter adapter(settings(QStringLiteral("sk-ant-wrong")));
        const AdapterRun r = runAdapter(adapter, sampleRequest());
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QCOMPARE(r.result.failure.message, QStringLiteral("The Anthropic API key was refused; check it in Settings ▸ Providers."));
    }

    void missingKeyNeverCalls()
    {
        m_fake.setScenario(FakeAnthropic::Scenario::Success);
        AnthropicAdapter adapter(settings(QString()));
        const AdapterRun r = runAdapter(adapter, sampleRequest());
        QCOMPARE(r.result.failure.code, ErrorCode::Unavailable);
        QVERIFY(m_fake.requests().isEmpty());
    }

    void nobodyListening()
    {
        QTcpServer probe; // a port that was free a moment ago
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        AssistantSettings s = settings();
        s.anthropicUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
        AnthropicAdapter adapter(s);
        const AdapterRun r = runAdapter(adapter, sampleRequest());
        QCOMPARE(r.result.failure.code, ErrorCode::Unavailable);
        QVERIFY2(r.result.failure.message.contains(QStringLiteral("could not reach Anthropic")), qPrintable(r.result.failure.message));
    }

    void cancelStopsAHangingStream()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::HangAfterFirstDelta, true);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.deltas.size(), 1);
        QVERIFY2(r.elapsedMs < 5000, qPrintable(QString::number(r.elapsedMs))); // not the 60 s idle timeout
    }

    void textOnlyReplyHasNoSuggestions()
    {
        const AdapterRun r = run(FakeAnthropic::Scenario::NoToolCall);
        QVERIFY2(r.result.reply, qPrintable(r.result.failure.message));
        QCOMPARE(r.result.reply->message.content, AssistantScript::standard().text());
        QVERIFY(r.result.reply->suggestions.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAssistantAnthropic)
#include "tst_assistant_anthropic.moc"
