// The OpenAI-compatible adapter against FakeOpenAi (llama.cpp server / Ollama / LM Studio's streaming):
// text and tool-call arguments read however the bytes are cut, the fenced ```json fallback for servers
// that ignore or refuse tools, and every failure read as a clear AssistantFailure.
#include "adapterrun.h"
#include "fakeopenai.h"

#include "backend/assistant/openaiadapter.h"

#include <QJsonArray>
#include <QTest>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::test;

class TestAssistantOpenAi : public QObject {
    Q_OBJECT
    FakeOpenAi m_fake;

    AssistantSettings settings(const QString &key = QString()) const
    {
        AssistantSettings s;
        s.adapter = QStringLiteral("openai");
        s.openaiKey = key;
        s.openaiModel = QStringLiteral("qwen2.5-7b-instruct");
        s.openaiUrl = m_fake.baseUrl() + QStringLiteral("/v1"); // as users paste it; the adapter adds /v1 itself
        return s;
    }

    AdapterRun run(FakeOpenAi::Scenario scenario, bool cancelAfterFirstDelta = false)
    {
        m_fake.setScenario(scenario);
        OpenAiAdapter adapter(settings());
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
        QCOMPARE(r.result.reply->message.content, text);
        QCOMPARE(r.result.reply->suggestions, expectedSuggestions());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_fake.start(&error), qPrintable(error));
    }

    void init() { m_fake.setRequiredKey(QString()); }

    void streamsTextAndReadsToolCallArguments()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::Success);
        verifyWholeReply(r);
        const QList<StreamRequest> requests = m_fake.requests();
        QCOMPARE(requests.size(), 1);
        QVERIFY(!requests.first().headers.contains("authorization")); // local servers need no key
        const QJsonObject body = requests.first().json();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("qwen2.5-7b-instruct"));
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        const QJsonObject function = body.value(QStringLiteral("tools")).toArray().first().toObject().value(QStringLiteral("function")).toObject();
        QCOMPARE(function.value(QStringLiteral("name")).toString(), QStringLiteral("suggest_prompts"));
        const QJsonArray messages = body.value(QStringLiteral("messages")).toArray();
        QCOMPARE(messages.first().toObject().value(QStringLiteral("role")).toString(), QStringLiteral("system"));
        const QString system = messages.first().toObject().value(QStringLiteral("content")).toString();
        QVERIFY(system.contains(QStringLiteral("name the light source")));
        QVERIFY(system.contains(QStringLiteral("a red fox in snow, キツネ")));
        QVERIFY(system.contains(QStringLiteral("```json"))); // the fallback is explained
    }

    void bytesCutInsideCharactersAndBetweenCrAndLf()
    {
        verifyWholeReply(run(FakeOpenAi::Scenario::Awkward));
    }

    void keyIsSentAsBearer()
    {
        m_fake.setScenario(FakeOpenAi::Scenario::Success);
        m_fake.setRequiredKey(QStringLiteral("sk-local-123"));
        OpenAiAdapter adapter(settings(QStringLiteral("sk-local-123")));
        verifyWholeReply(runAdapter(adapter, sampleRequest()));
    }

    void invalidKeyIsRefused()
    {
        m_fake.setScenario(FakeOpenAi::Scenario::Success);
        m_fake.setRequiredKey(QStringLiteral("sk-local-123"));
        OpenAiAdapter adapter(settings(QStringLiteral("sk-wrong")));
        const AdapterRun r = runAdapter(adapter, sampleRequest());
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QCOMPARE(r.result.failure.message,
                 QStringLiteral("The OpenAI-compatible server's API key was refused; check it in Settings ▸ Providers."));
        QCOMPARE(m_fake.requests().size(), 1); // a refused key is not retried without tools
    }

    void serverThatIgnoresToolsAnswersWithAFencedBlock()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::IgnoreTools);
        QVERIFY2(r.result.reply, qPrintable(r.result.failure.message));
        QCOMPARE(r.result.reply->suggestions, expectedSuggestions());
        const QString prose = QString(AssistantScript::standard().text() + FakeOpenAi::proseBeforeFence()).trimmed();
        QCOMPARE(r.result.reply->message.content, prose);
        QVERIFY2(!r.text().contains(QStringLiteral("```")), qPrintable(r.text())); // the block was never shown
        QCOMPARE(r.text().trimmed(), prose);
    }

    void serverThatRefusesToolsIsAskedAgainWithout()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::RefuseTools);
        QVERIFY2(r.result.reply, qPrintable(r.result.failure.message));
        QCOMPARE(r.result.reply->suggestions, expectedSuggestions());
        const QList<StreamRequest> requests = m_fake.requests();
        QCOMPARE(requests.size(), 2);
        QVERIFY(requests.at(0).json().contains(QStringLiteral("tools")));
        QVERIFY(!requests.at(1).json().contains(QStringLiteral("tools")));
    }

    void errorMidStream()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::ErrorMidStream);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(FakeOpenAi::errorMessage()), qPrintable(r.result.failure.message));
        QVERIFY(!r.deltas.isEmpty());
    }

    void disconnectMidStream()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::DisconnectMidStream);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(QStringLiteral("the connection closed before the reply finished")),
                 qPrintable(r.result.failure.message));
        QVERIFY(!r.deltas.isEmpty());
    }

    void rateLimitedWithRetryAfter()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::RateLimited);
        QCOMPARE(r.result.failure.code, ErrorCode::RateLimited);
        QCOMPARE(r.result.failure.retryAfterSeconds, 7);
    }

    void overloaded()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::Overloaded);
        QCOMPARE(r.result.failure.code, ErrorCode::ProviderError);
        QVERIFY2(r.result.failure.message.contains(QStringLiteral("is overloaded; try again")), qPrintable(r.result.failure.message));
    }

    void cancelStopsAHangingStream()
    {
        const AdapterRun r = run(FakeOpenAi::Scenario::HangAfterFirstDelta, true);
        QVERIFY(!r.result.reply);
        QCOMPARE(r.deltas.size(), 1);
        QVERIFY2(r.elapsedMs < 5000, qPrintable(QString::number(r.elapsedMs)));
    }
};

QTEST_GUILESS_MAIN(TestAssistantOpenAi)
#include "tst_assistant_openai.moc"
