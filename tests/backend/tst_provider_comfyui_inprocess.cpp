// The ComfyUI adapter called in-process against the fake ComfyUI, for what is easier to see
// without a server: a websocket that drops mid-run, a cancel while the prompt still waits in the
// queue, a workflow file with placeholders, workflow files that cannot be used, a pre-2024 ComfyUI
// (progress without prompt_id), a history written late, an error followed by executing {node: null},
// events only on the queuing client's websocket (the `status` broadcast on all), and a run
// interrupted on ComfyUI's own page.
#include "fakecomfyui.h"

#include "backend/providers/provider.h"
#include "backend/providers/comfyuiprovider.h"
#include "backend/config/providersettings.h"
#include "backend/providers/providerhttp.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QWebSocket>
#include <thread>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::backend;
using namespace vesper::test;
using Scenario = FakeComfyUi::Scenario;

namespace {
/// A sink for calling the provider in-process: records progress, stops after a deadline.
class DeadlineSink : public ProgressSink {
public:
    explicit DeadlineSink(int ms) : m_ms(ms) { m_clock.start(); }
    void progress(int percent, bool estimate) override { reports.append({percent, estimate}); }
    bool cancelled() const override { return m_clock.elapsed() > m_ms; }
    QList<QPair<int, bool>> reports;

private:
    int m_ms;
    QElapsedTimer m_clock;
};
} // namespace

class TestProviderComfyUiInProcess : public QObject {
    Q_OBJECT

private:
    FakeComfyUi m_fake;

private Q_SLOTS:
    void initTestCase();
    void websocketDropFallsBackToHistory();
    void cancelWhileQueuedOnlyDequeues();
    void workflowFile();
    void unusableWorkflowFile();
    void legacyProgressIsOurs();
    void lateHistoryUsesTheExecutedImages();
    void errorThenExecutingNullIsAFailure();
    void cachedRunReportsItsImages();
    void eventsGoOnlyToTheQueuingClient();
    void serverInterruptEndsTheRun();
};

void TestProviderComfyUiInProcess::initTestCase()
{
    QString error;
    QVERIFY2(m_fake.start(&error), qPrintable(error));
}

void TestProviderComfyUiInProcess::websocketDropFallsBackToHistory()
{
    ProviderSettings settings;
    settings.comfyUiUrl = m_fake.baseUrl();
    settings.pollMs = 50;
    settings.timeoutSeconds = 10;
    ComfyUiProvider provider(settings);
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    m_fake.setScenario(Scenario::WebSocketDrops);
    const int promptsBefore = m_fake.prompts().size();
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    QCOMPARE(result.images.size(), 1);
    const FakeComfyUi::Prompt prompt = m_fake.prompts().at(promptsBefore);
    QVERIFY(prompt.socketOpen);
    QCOMPARE(m_fake.http().webSocketCount(prompt.body.value(QStringLiteral("client_id")).toString()), 0);
    // The run went on for about two seconds after the drop: the adapter kept asking the history.
    QVERIFY2(m_fake.http().count("GET", QStringLiteral("/history/") + prompt.promptId) >= 5,
             qPrintable(QString::number(m_fake.http().count("GET", QStringLiteral("/history/") + prompt.promptId))));
    QVERIFY(!sink.reports.isEmpty() && !sink.reports.first().second); // real progress before the drop
    // Another client's prompt at 25 of 25 steps (sent by the fake) never moved this bar.
    for (const auto &[percent, estimate] : std::as_const(sink.reports))
        QVERIFY2(percent < 60, qPrintable(QStringLiteral("%1 (estimate %2)").arg(percent).arg(estimate)));
}

void TestProviderComfyUiInProcess::cancelWhileQueuedOnlyDequeues()
{
    ProviderSettings settings;
    settings.comfyUiUrl = m_fake.baseUrl();
    settings.pollMs = 50;
    settings.timeoutSeconds = 10;
    ComfyUiProvider provider(settings);
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    m_fake.setScenario(Scenario::Queued);
    const int promptsBefore = m_fake.prompts().size();
    DeadlineSink sink(800); // stops while the prompt still waits in ComfyUI's queue
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY(!result.ok);
    QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
    const QString promptId = m_fake.prompts().at(promptsBefore).promptId;
    QVERIFY2(m_fake.dequeued().contains(promptId), qPrintable(m_fake.dequeued().join(QLatin1Char(' '))));
    // A bare /interrupt on an older ComfyUI would stop whoever's prompt runs now: not sent.
    QVERIFY2(!m_fake.interrupted().contains(promptId), qPrintable(m_fake.interrupted().join(QLatin1Char(' '))));
    m_fake.setScenario(Scenario::Success);
}

void TestProviderComfyUiInProcess::workflowFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("workflow.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({
      "1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "flux.safetensors"}},
      "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{prompt}}", "clip": ["1", 1]}},
      "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "{{negative_prompt}}", "clip": ["1", 1]}},
      "4": {"class_type": "EmptyLatentImage", "inputs": {"width": "{{width}}", "height": "{{height}}", "batch_size": "{{batch_size}}"}},
      "5": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 4, "model": ["1", 0], "latent_image": ["4", 0]}},
      "6": {"class_type": "KSampler", "inputs": {"seed": "{{seed}}", "steps": 4, "model": ["1", 0], "latent_image": ["5", 0]}},
      "7": {"class_type": "Note", "inputs": {"text": "keep {{prompt}} as written", "list": ["{{width}}"]}},
      "8": {"class_type": "SaveImage", "inputs": {"filename_prefix": "custom", "images": ["6", 0]}}
    })");
    file.close();

    ProviderSettings settings;
    settings.comfyUiUrl = m_fake.baseUrl();
    settings.comfyUiWorkflow = path;
    settings.pollMs = 50;
    settings.timeoutSeconds = 10;
    ComfyUiProvider provider(settings);
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.negativePrompt = QStringLiteral("blurry");
    request.aspectRatio = QStringLiteral("3:4");
    request.resolution = 1024;
    request.numOutputs = 3;
    request.seed = 9007199254740991LL; // 2^53 - 1 survives as a JSON number
    m_fake.setScenario(Scenario::Success);
    const int promptsBefore = m_fake.prompts().size();
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    QCOMPARE(result.images.size(), 3);
    for (const GeneratedImage &image : result.images) {
        QCOMPARE(QSize(image.width, image.height), QSize(768, 1024));
        QCOMPARE(image.mime, QStringLiteral("image/png"));
    }
    // Real progress, never 100, never going back.
    QVERIFY(!sink.reports.isEmpty());
    int previous = 0;
    for (const auto &[percent, estimate] : std::as_const(sink.reports)) {
        QVERIFY(!estimate);
        QVERIFY2(percent >= previous && percent < 100, qPrintable(QString::number(percent)));
        previous = percent;
    }

    const QJsonObject graph = m_fake.prompts().at(promptsBefore).body.value(QStringLiteral("prompt")).toObject();
    const auto inputs = [&](const char *node) { return graph.value(QLatin1String(node)).toObject().value(QStringLiteral("inputs")).toObject(); };
    QCOMPARE(inputs("2").value(QStringLiteral("text")).toString(), QStringLiteral("a quiet harbour"));
    QCOMPARE(inputs("3").value(QStringLiteral("text")).toString(), QStringLiteral("blurry"));
    QVERIFY(inputs("4").value(QStringLiteral("width")).isDouble());
    QCOMPARE(inputs("4").value(QStringLiteral("width")).toInt(), 768);
    QCOMPARE(inputs("4").value(QStringLiteral("height")).toInt(), 1024);
    QCOMPARE(inputs("4").value(QStringLiteral("batch_size")).toInt(), 3);
    QCOMPARE(inputs("6").value(QStringLiteral("seed")).toInteger(), 9007199254740991LL);
    QCOMPARE(inputs("7").value(QStringLiteral("text")).toString(), QStringLiteral("keep {{prompt}} as written"));
    QCOMPARE(inputs("7").value(QStringLiteral("list")).toArray().at(0).toInt(), 768);
    QCOMPARE(inputs("1").value(QStringLiteral("ckpt_name")).toString(), QStringLiteral("flux.safetensors"));
}

void TestProviderComfyUiInProcess::unusableWorkflowFile()
{
    QTemporaryDir dir;
    const auto write = [&](const char *name, const QByteArray &content) {
        QFile file(dir.filePath(QLatin1String(name)));
        if (file.open(QIODevice::WriteOnly))
            file.write(content);
        return file.fileName();
    };
    const QStringList paths{dir.filePath(QStringLiteral("missing.json")), write("broken.json", "{\"1\": {"),
                            write("ui.json", R"({"nodes": [], "links": [], "version": 0.4})"),
                            write("noprompt.json", R"({"1": {"class_type": "SaveImage", "inputs": {}}})")};
    const int promptsBefore = m_fake.prompts().size();
    for (const QString &path : paths) {
        ProviderSettings settings;
        settings.comfyUiUrl = m_fake.baseUrl();
        settings.comfyUiWorkflow = path;
        ComfyUiProvider provider(settings);
        GenerationRequest request;
        request.prompt = QStringLiteral("secret words");
        request.resolution = 512;
        DeadlineSink sink(5000);
        const ProviderResult result = provider.generate(request, sink);
        QVERIFY(!result.ok);
        QCOMPARE(result.errorCode, QStringLiteral("PROVIDER_ERROR"));
        QVERIFY(!result.transient);
        QVERIFY2(result.errorMessage.contains(QLatin1String("VESPER_COMFYUI_WORKFLOW")), qPrintable(result.errorMessage));
        QVERIFY2(!result.errorMessage.contains(QLatin1String("secret")), qPrintable(result.errorMessage));
    }
    QCOMPARE(m_fake.prompts().size(), promptsBefore); // nothing was queued
}


namespace {
ProviderSettings quickSettings(const QString &url)
{
    ProviderSettings settings;
    settings.comfyUiUrl = url;
    settings.pollMs = 50;
    settings.timeoutSeconds = 15;
    return settings;
}
} // namespace

void TestProviderComfyUiInProcess::legacyProgressIsOurs()
{
    // Before 2024 a progress event was {value, max} only; after our execution_start on our own
    // websocket it is ours, so the bar moves step by step instead of sitting at 5 and jumping.
    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    m_fake.setScenario(Scenario::Legacy);
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    m_fake.setScenario(Scenario::Success);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    QCOMPARE(result.images.size(), 1);
    QList<int> real;
    for (const auto &[percent, estimate] : std::as_const(sink.reports)) {
        if (!estimate && percent > 5 && percent < 95)
            real << percent;
    }
    QVERIFY2(real.size() >= 5, qPrintable(QStringLiteral("%1 real steps between 5 and 95").arg(real.size())));
    for (int i = 1; i < real.size(); ++i)
        QVERIFY(real.at(i) > real.at(i - 1));
}

void TestProviderComfyUiInProcess::lateHistoryUsesTheExecutedImages()
{
    // The history entry comes 6.5 s after execution_success; the executed event named the images.
    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    request.numOutputs = 2;
    m_fake.setScenario(Scenario::LateHistory);
    const int promptsBefore = m_fake.prompts().size();
    DeadlineSink sink(15000);
    QElapsedTimer timer;
    timer.start();
    const ProviderResult result = provider.generate(request, sink);
    const qint64 took = timer.elapsed();
    m_fake.setScenario(Scenario::Success);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    QCOMPARE(result.images.size(), 2);
    for (const GeneratedImage &image : result.images)
        QCOMPARE(QSize(image.width, image.height), QSize(512, 512));
    QVERIFY2(took < 6500, qPrintable(QString::number(took))); // before the history had the entry
    const QString promptId = m_fake.prompts().at(promptsBefore).promptId;
    QVERIFY(m_fake.http().count("GET", QStringLiteral("/history/") + promptId) >= 1);
}

void TestProviderComfyUiInProcess::errorThenExecutingNullIsAFailure()
{
    // ComfyUI sends executing {node: null} after an execution_error too: the error wins, at once.
    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    m_fake.setScenario(Scenario::ExecutionError);
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    m_fake.setScenario(Scenario::Success);
    QVERIFY(!result.ok && !result.transient);
    QCOMPARE(result.errorCode, QStringLiteral("PROVIDER_ERROR"));
    QCOMPARE(result.errorMessage, QStringLiteral("KSampler failed: CUDA out of memory. Tried to allocate 2.00 GiB"));
}

void TestProviderComfyUiInProcess::cachedRunReportsItsImages()
{
    // A graph ComfyUI ran before: no progress at all, the cached output node's images all the same.
    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    request.numOutputs = 2;
    m_fake.setScenario(Scenario::Cached);
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    m_fake.setScenario(Scenario::Success);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    QCOMPARE(result.images.size(), 2);
    QCOMPARE(QSize(result.images.at(0).width, result.images.at(0).height), QSize(512, 512));
}

void TestProviderComfyUiInProcess::eventsGoOnlyToTheQueuingClient()
{
    // A person's browser tab on the same ComfyUI, with a prompt of its own running alongside ours:
    // it gets the queue's status broadcasts and its own prompt's events, never ours; ours ends well.
    const QString person = QStringLiteral("person-browser");
    QWebSocket tab;
    QList<QJsonObject> texts;
    int binaryFrames = 0;
    connect(&tab, &QWebSocket::textMessageReceived, this,
            [&texts](const QString &message) { texts.append(QJsonDocument::fromJson(message.toUtf8()).object()); });
    connect(&tab, &QWebSocket::binaryMessageReceived, this, [&binaryFrames](const QByteArray &) { ++binaryFrames; });
    QString ws = m_fake.baseUrl();
    ws.replace(QStringLiteral("http://"), QStringLiteral("ws://"));
    tab.open(QUrl(ws + QStringLiteral("/ws?clientId=") + person));
    QTRY_VERIFY_WITH_TIMEOUT(!texts.isEmpty(), 5000); // the greeting
    QCOMPARE(texts.at(0).value(QStringLiteral("data")).toObject().value(QStringLiteral("sid")).toString(), person);

    m_fake.setScenario(Scenario::Slow);
    const QJsonObject graph{{QStringLiteral("5"), QJsonObject{{QStringLiteral("class_type"), QStringLiteral("EmptyLatentImage")},
                                                              {QStringLiteral("inputs"), QJsonObject{{QStringLiteral("width"), 64},
                                                                                                     {QStringLiteral("height"), 64},
                                                                                                     {QStringLiteral("batch_size"), 1}}}}}};
    const ProviderResponse queued = ProviderHttp(nullptr, 5).post(
        m_fake.baseUrl() + QStringLiteral("/prompt"),
        QJsonDocument(QJsonObject{{QStringLiteral("prompt"), graph}, {QStringLiteral("client_id"), person}}).toJson(QJsonDocument::Compact));
    QCOMPARE(queued.status, 200);
    const QString theirs = QJsonDocument::fromJson(queued.body).object().value(QStringLiteral("prompt_id")).toString();
    const int promptsBefore = m_fake.prompts().size();

    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    DeadlineSink sink(15000);
    const ProviderResult result = provider.generate(request, sink);
    m_fake.setScenario(Scenario::Success);
    QVERIFY2(result.ok, qPrintable(result.errorCode + QLatin1Char(' ') + result.errorMessage));
    const QString ours = m_fake.prompts().at(promptsBefore).promptId;
    QVERIFY(!ours.isEmpty() && ours != theirs);
    for (int i = 1; i < sink.reports.size(); ++i)
        QVERIFY(sink.reports.at(i).first >= sink.reports.at(i - 1).first);

    // Both runs have ended: the tab saw its own prompt through, and the broadcasts of ours.
    auto count = [&texts](const QString &type, const QString &promptId) {
        int n = 0;
        for (const QJsonObject &message : std::as_const(texts)) {
            const QJsonObject data = message.value(QStringLiteral("data")).toObject();
            if (message.value(QStringLiteral("type")).toString() == type
                && (promptId.isNull() || data.value(QStringLiteral("prompt_id")).toString() == promptId))
                ++n;
        }
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("execution_success"), theirs) == 1, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("status"), QString()) >= 5, 5000); // greeting + start and end of both runs
    QVERIFY(count(QStringLiteral("progress"), theirs) >= 5);
    for (const QJsonObject &message : std::as_const(texts)) {
        QVERIFY2(message.value(QStringLiteral("data")).toObject().value(QStringLiteral("prompt_id")).toString() != ours,
                 qPrintable(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    }
    QCOMPARE(binaryFrames, 10); // the previews of its own prompt's steps only
    tab.close();
}

void TestProviderComfyUiInProcess::serverInterruptEndsTheRun()
{
    // Someone presses Cancel on ComfyUI's page while our prompt runs (POST /interrupt, no body):
    // execution_interrupted, then executing {node: null}. The run ends at once, as a transient failure.
    ComfyUiProvider provider(quickSettings(m_fake.baseUrl()));
    GenerationRequest request;
    request.prompt = QStringLiteral("a quiet harbour");
    request.resolution = 512;
    m_fake.setScenario(Scenario::Hang);
    std::thread person([url = m_fake.baseUrl()] {
        QThread::msleep(600);
        ProviderHttp(nullptr, 5).post(url + QStringLiteral("/interrupt"), QByteArray());
    });
    DeadlineSink sink(15000);
    QElapsedTimer timer;
    timer.start();
    const ProviderResult result = provider.generate(request, sink);
    const qint64 took = timer.elapsed();
    person.join();
    m_fake.setScenario(Scenario::Success);
    QVERIFY(!result.ok);
    QVERIFY2(result.transient, qPrintable(result.errorMessage));
    QVERIFY2(result.errorMessage.contains(QStringLiteral("interrupted")), qPrintable(result.errorMessage));
    QVERIFY2(took < 3000, qPrintable(QString::number(took))); // not the 15 s timeout
    QVERIFY(m_fake.interrupted().contains(QString())); // the person's interrupt, not one of ours
}

QTEST_MAIN(TestProviderComfyUiInProcess)
#include "tst_provider_comfyui_inprocess.moc"
