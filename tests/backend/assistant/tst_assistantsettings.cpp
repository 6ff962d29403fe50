// The assistant's settings from the environment (server/settingsloader.cpp): the variables land in
// ProviderSettings::assistant, URLs lose a trailing slash or /v1, and an unknown adapter is refused.
#include "backend/server/settingsloader.h"

#include <QProcessEnvironment>
#include <QTest>

using namespace vesper::backend;

class TestAssistantSettings : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultIsTheCoach()
    {
        QString error;
        const auto settings = SettingsLoader::fromEnvironment(QProcessEnvironment(), &error);
        QVERIFY2(settings, qPrintable(error));
        QCOMPARE(settings->providers.assistant.adapter, QStringLiteral("coach"));
        QCOMPARE(settings->providers.assistant.anthropicUrl, QStringLiteral("https://api.anthropic.com"));
        QCOMPARE(settings->assistantRateLimitPerMinute, 30);
    }

    void variablesAreRead()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("VESPER_ASSISTANT"), QStringLiteral("OpenAI"));
        env.insert(QStringLiteral("ANTHROPIC_API_KEY"), QStringLiteral("sk-ant-1"));
        env.insert(QStringLiteral("VESPER_ANTHROPIC_MODEL"), QStringLiteral("claude-x"));
        env.insert(QStringLiteral("VESPER_ANTHROPIC_BASE_URL"), QStringLiteral("http://127.0.0.1:9000/"));
        env.insert(QStringLiteral("OPENAI_API_KEY"), QStringLiteral("sk-2"));
        env.insert(QStringLiteral("VESPER_OPENAI_MODEL"), QStringLiteral("llama3.2"));
        env.insert(QStringLiteral("VESPER_OPENAI_BASE_URL"), QStringLiteral("http://127.0.0.1:1234/v1/"));
        env.insert(QStringLiteral("VESPER_ASSISTANT_STREAMS"), QStringLiteral("2"));
        QString error;
        const auto settings = SettingsLoader::fromEnvironment(env, &error);
        QVERIFY2(settings, qPrintable(error));
        const AssistantSettings &a = settings->providers.assistant;
        QCOMPARE(a.adapter, QStringLiteral("openai"));
        QCOMPARE(a.anthropicKey, QStringLiteral("sk-ant-1"));
        QCOMPARE(a.anthropicModel, QStringLiteral("claude-x"));
        QCOMPARE(a.anthropicUrl, QStringLiteral("http://127.0.0.1:9000"));
        QCOMPARE(a.openaiKey, QStringLiteral("sk-2"));
        QCOMPARE(a.openaiModel, QStringLiteral("llama3.2"));
        QCOMPARE(a.openaiUrl, QStringLiteral("http://127.0.0.1:1234"));
        QCOMPARE(settings->assistantStreams, 2);
    }

    void unknownAdapterIsRefused()
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("VESPER_ASSISTANT"), QStringLiteral("gpt"));
        QString error;
        QVERIFY(!SettingsLoader::fromEnvironment(env, &error));
        QVERIFY2(error.startsWith(QStringLiteral("VESPER_ASSISTANT: expected coach, anthropic or openai")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestAssistantSettings)
#include "tst_assistantsettings.moc"
