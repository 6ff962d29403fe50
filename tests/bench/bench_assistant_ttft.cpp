// Time to first token through the backend (issue 12): POST /api/assistant/chat with
// Accept: text/event-stream against a real vesper-server whose assistant is Anthropic pointed at
// FakeAnthropic, until the first `delta` event, beside the same fake called directly in this process
// (the Anthropic adapter, until its first text delta). The difference is what the backend adds —
// HTTP in, body checks and skills, the runner's hand-off, the SSE write out; the budget is 20 ms.
//
//     build/dev/tests/bench/bench_assistant_ttft [--iterations 200] [--warmup 10]
#include "latency.h"

#include "fakeanthropic.h"
#include "sseclient.h"
#include "testclient.h"
#include "testserver.h"

#include "backend/assistant/anthropicadapter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <cstdio>

using namespace vesper;
using namespace vesper::test;

namespace {
QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

QByteArray chatBody()
{
    const QJsonObject body{
        {QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                            {QStringLiteral("content"), QStringLiteral("Make it more cinematic")}}}},
        {QStringLiteral("context"), QJsonObject{{QStringLiteral("currentPrompt"), QStringLiteral("a lighthouse at night, rain")},
                                                {QStringLiteral("generationType"), QStringLiteral("image")}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

/// Through the backend: nanoseconds from connect to the first delta event (-1 when none came).
qint64 throughBackend(quint16 port, const QString &token)
{
    SseClient client;
    QString error;
    if (!client.open(port, "/api/assistant/chat", chatBody(), token, &error) || client.status() != 200)
        return -1;
    while (const auto event = client.next()) {
        if (event->name == "delta") {
            const qint64 at = event->atNs;
            client.rest(); // read to the end so the next call starts on a quiet server
            return at;
        }
    }
    return -1;
}

/// Directly: nanoseconds from the adapter's call to its first text delta.
qint64 direct(backend::AnthropicAdapter &adapter, const backend::AssistantRequest &request)
{
    QElapsedTimer clock;
    clock.start();
    qint64 first = -1;
    std::atomic_bool cancelled = false;
    const backend::AssistantResult result = adapter.reply(request, [&](const QString &) {
        if (first < 0)
            first = clock.nsecsElapsed();
    }, cancelled);
    return result.reply ? first : -1;
}

void row(const char *name, const bench::Latency &l)
{
    std::printf("  %-34s p50 %8.3f ms  p95 %8.3f ms  p99 %8.3f ms  (n %lld)\n", name, l.percentileMs(0.5), l.percentileMs(0.95),
                l.percentileMs(0.99), qlonglong(l.count()));
}
} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("iterations"), QStringLiteral("Timed calls of each kind."), QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("warmup"), QStringLiteral("Untimed calls first."), QStringLiteral("n"), QStringLiteral("10")});
    parser.process(app);
    const int iterations = parser.value(QStringLiteral("iterations")).toInt();
    const int warmup = parser.value(QStringLiteral("warmup")).toInt();
    // The fake logs nothing, the server's access log and assistant logs would only add noise.
    QLoggingCategory::setFilterRules(QStringLiteral("vesper.*.info=false"));

    FakeAnthropic fake;
    QString error;
    if (!fake.start(&error)) {
        std::fprintf(stderr, "fake: %s\n", qPrintable(error));
        return 1;
    }
    qputenv("VESPER_TEST_DIALECT", "sqlite");
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_ASSISTANT"), QStringLiteral("anthropic"));
    server.setEnv(QStringLiteral("ANTHROPIC_API_KEY"), FakeAnthropic::key());
    server.setEnv(QStringLiteral("VESPER_ANTHROPIC_MODEL"), FakeAnthropic::model());
    server.setEnv(QStringLiteral("VESPER_ANTHROPIC_BASE_URL"), fake.baseUrl());
    server.setEnv(QStringLiteral("VESPER_ASSISTANT_RATE_LIMIT"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_ACCESS_LOG"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("vesper.assistant.info=false"));
    if (!server.start(&error)) {
        std::fprintf(stderr, "server: %s\n", qPrintable(error));
        return 1;
    }
    const TestUser user = TestClient(server.baseUrl()).signUp(QStringLiteral("ttft@example.com"));
    if (user.id.isEmpty()) {
        std::fprintf(stderr, "sign-up failed\n");
        return 1;
    }

    backend::AssistantSettings settings;
    settings.anthropicKey = FakeAnthropic::key();
    settings.anthropicModel = FakeAnthropic::model();
    settings.anthropicUrl = fake.baseUrl();
    backend::AnthropicAdapter adapter(settings);
    backend::AssistantRequest request;
    request.messages = {{QStringLiteral("user"), QStringLiteral("Make it more cinematic")}};
    request.context.currentPrompt = QStringLiteral("a lighthouse at night, rain");

    bench::Latency viaBackend, viaDirect;
    int failures = 0;
    for (int i = 0; i < warmup + iterations; ++i) {
        // Alternated, so both see the same load on a shared machine.
        const qint64 d = direct(adapter, request);
        const qint64 b = throughBackend(server.port(), user.accessToken);
        if (d < 0 || b < 0) {
            ++failures;
            continue;
        }
        if (i >= warmup) {
            viaDirect.add(d);
            viaBackend.add(b);
        }
    }
    std::printf("assistant time to first token, %d calls each after %d warm-up (load %s, failures %d)\n", iterations, warmup,
                qPrintable(loadAverage()), failures);
    row("fake called directly (adapter)", viaDirect);
    row("through the backend (SSE)", viaBackend);
    std::printf("  %-34s p50 %8.3f ms  p95 %8.3f ms  p99 %8.3f ms  (budget: 20 ms)\n", "backend adds",
                viaBackend.percentileMs(0.5) - viaDirect.percentileMs(0.5), viaBackend.percentileMs(0.95) - viaDirect.percentileMs(0.95),
                viaBackend.percentileMs(0.99) - viaDirect.percentileMs(0.99));
    server.stop();
    return failures > iterations / 10 ? 1 : 0;
}
