// The ComfyUI adapter against a fake ComfyUI (HTTP + websocket) through a real vesper-server:
// images stored at the right size, real progress from the websocket, a refused workflow, a failed
// run, a hang that times out, a 429 honoured, a cancel that interrupts and dequeues, answers that
// cannot be used, and the fallback to polling /history when the websocket is refused.
// tst_provider_comfyui_inprocess covers what is easier to see without a server.
#include "fakecomfyui.h"
#include "generationfixture.h"
#include "replycheck.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QThread>

using namespace vesper::test;
using Scenario = FakeComfyUi::Scenario;

namespace {
const QString kCheckpoint = QStringLiteral("test_model_v2.safetensors");

// The graph's first node of a class (the inputs object).
QJsonObject inputsOf(const QJsonObject &graph, const QString &classType, int skip = 0)
{
    for (const QJsonValue &node : graph) {
        if (node.toObject().value(QStringLiteral("class_type")).toString() == classType && skip-- == 0)
            return node.toObject().value(QStringLiteral("inputs")).toObject();
    }
    return {};
}
} // namespace

class TestProviderComfyUi : public QObject {
    Q_OBJECT

private:
    FakeComfyUi m_fake;
    GenerationFixture m_f;

    /// Starts a comfyui generation for user in scenario; its id.
    QString submit(const TestUser &user, Scenario scenario, int numOutputs = 1, const QString &ratio = QStringLiteral("1:1"),
                   const QString &resolution = QStringLiteral("512"));
    /// The generation's end, with credits back to `before` and the ledger agreeing.
    void expectRefunded(const TestUser &user, qint64 before);
    QString context(const QJsonObject &status) const;

private Q_SLOTS:
    void initTestCase();
    void success();
    void progressIsReal();
    void workflowRefused();
    void executionError();
    void hangTimesOut();
    void rateLimitedThenSucceeds();
    void cancelInterrupts();
    void garbage();
    void websocketRefusedPollsHistory();
    void fewerImagesRefundsTheRest();
    void historyBlipIsTolerated();
};

void TestProviderComfyUi::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("VESPER_COMFYUI_URL"), m_fake.baseUrl()},
                        {QStringLiteral("VESPER_COMFYUI_CHECKPOINT"), kCheckpoint},
                        {QStringLiteral("VESPER_PROVIDER_POLL_MS"), QStringLiteral("50")},
                        {QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("100")},
                        {QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("4")},
                        {QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("1000")},
                        {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                       &reason),
             qPrintable(reason));
}

QString TestProviderComfyUi::submit(const TestUser &user, Scenario scenario, int numOutputs, const QString &ratio,
                                    const QString &resolution)
{
    m_fake.setScenario(scenario);
    const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"),
                                            generateBody(m_f.sessionFor(user), newClientId(), numOutputs, ratio, resolution,
                                                         QStringLiteral("comfyui"), QStringLiteral("a lighthouse at dusk, watercolour")),
                                            user.accessToken);
    if (accepted.status != 202)
        qWarning("generate answered %s", qPrintable(describe(accepted)));
    return accepted.json.value(QStringLiteral("id")).toString();
}

QString TestProviderComfyUi::context(const QJsonObject &status) const
{
    return QString::fromUtf8(QJsonDocument(status).toJson(QJsonDocument::Compact)) + QStringLiteral("\n--- server log ---\n")
        + m_f.serverLog();
}

void TestProviderComfyUi::expectRefunded(const TestUser &user, qint64 before)
{
    QCOMPARE(m_f.credits(user), before);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestProviderComfyUi::success()
{
    const TestUser user = m_f.newUser(QStringLiteral("success"));
    const qint64 before = m_f.credits(user);
    const int promptsBefore = m_fake.prompts().size();
    const int greetingsBefore = m_fake.statusGreetings();
    m_fake.http().clearRequests();
    const QString id = submit(user, Scenario::Success, 2, QStringLiteral("16:9"));
    QVERIFY(!id.isEmpty());
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    // ComfyUI greets every websocket with the queue status first; the adapter takes it in its stride.
    QVERIFY(m_fake.statusGreetings() > greetingsBefore);
    QCOMPARE(m_f.credits(user), before - 2); // 1 credit per image
    QCOMPARE(m_f.ledger(user), m_f.credits(user));

    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    for (const QJsonValue &output : outputs) {
        QCOMPARE(output.toObject().value(QStringLiteral("width")).toInt(), 512);
        QCOMPARE(output.toObject().value(QStringLiteral("height")).toInt(), 288);
    }
    const QString outputId = outputs.at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), user.accessToken);
    EXPECT_STATUS(full, 200);
    const QImage image = QImage::fromData(full.body);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(512, 288));
    // ComfyUI embeds its workflow in the PNG; the stored file has none of it.
    QVERIFY2(image.text(QStringLiteral("prompt")).isEmpty(), qPrintable(image.text(QStringLiteral("prompt"))));
    QVERIFY(!full.body.contains("KSampler"));
    const Reply thumb = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId), user.accessToken);
    EXPECT_STATUS(thumb, 200);
    QVERIFY(thumb.body.startsWith("RIFF") && thumb.body.mid(8, 4) == "WEBP");

    // What ComfyUI received: one prompt, the socket already open, the request's values in the graph.
    const QList<FakeComfyUi::Prompt> prompts = m_fake.prompts().mid(promptsBefore);
    QCOMPARE(prompts.size(), 1);
    QVERIFY2(prompts.at(0).socketOpen, "the websocket was not open when the prompt was queued");
    const QString clientId = prompts.at(0).body.value(QStringLiteral("client_id")).toString();
    QVERIFY(!clientId.isEmpty());
    const QJsonObject graph = prompts.at(0).body.value(QStringLiteral("prompt")).toObject();
    QCOMPARE(inputsOf(graph, QStringLiteral("CheckpointLoaderSimple")).value(QStringLiteral("ckpt_name")).toString(), kCheckpoint);
    QCOMPARE(inputsOf(graph, QStringLiteral("CLIPTextEncode")).value(QStringLiteral("text")).toString()
                 + inputsOf(graph, QStringLiteral("CLIPTextEncode"), 1).value(QStringLiteral("text")).toString(),
             QStringLiteral("a lighthouse at dusk, watercolour")); // positive, and an empty negative
    const QJsonObject latent = inputsOf(graph, QStringLiteral("EmptyLatentImage"));
    QCOMPARE(latent.value(QStringLiteral("width")).toInt(), 512);
    QCOMPARE(latent.value(QStringLiteral("height")).toInt(), 288);
    QCOMPARE(latent.value(QStringLiteral("batch_size")).toInt(), 2);
    const QJsonObject sampler = inputsOf(graph, QStringLiteral("KSampler"));
    QCOMPARE(sampler.value(QStringLiteral("seed")).toInteger(), 42);
    QCOMPARE(sampler.value(QStringLiteral("steps")).toInt(), 25);
    QCOMPARE(sampler.value(QStringLiteral("sampler_name")).toString(), QStringLiteral("euler"));
    QCOMPARE(inputsOf(graph, QStringLiteral("SaveImage")).value(QStringLiteral("filename_prefix")).toString(), QStringLiteral("vesper"));
    // Both images were fetched through /view with the subfolder encoded ("run 1&2").
    int views = 0;
    for (const FakeRequest &r : m_fake.http().requests())
        views += r.path == QLatin1String("/view") && r.query.queryItemValue(QStringLiteral("subfolder"), QUrl::FullyDecoded) == QLatin1String("run 1&2");
    QVERIFY2(views >= 2, qPrintable(QString::number(views)));
}

void TestProviderComfyUi::progressIsReal()
{
    const TestUser user = m_f.newUser(QStringLiteral("progress"));
    const QString id = submit(user, Scenario::Slow);
    QElapsedTimer timer;
    timer.start();
    QJsonObject seen, last;
    while (timer.elapsed() < 20000) {
        last = m_f.status(user, id);
        const int progress = last.value(QStringLiteral("progress")).toInt();
        if (last.value(QStringLiteral("status")).toString() == QLatin1String("processing") && progress > 0 && progress < 100)
            seen = last;
        if (last.value(QStringLiteral("status")).toString() != QLatin1String("processing")
            && last.value(QStringLiteral("status")).toString() != QLatin1String("queued"))
            break;
        QThread::msleep(30);
    }
    QVERIFY2(!seen.isEmpty(), qPrintable(context(last)));
    QVERIFY2(!seen.value(QStringLiteral("progressIsEstimate")).toBool(), qPrintable(context(seen)));
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
}

void TestProviderComfyUi::workflowRefused()
{
    const TestUser user = m_f.newUser(QStringLiteral("refused"));
    const qint64 before = m_f.credits(user);
    const int promptsBefore = m_fake.prompts().size();
    const QString id = submit(user, Scenario::NodeError);
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(context(done)));
    const QJsonObject error = done.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("PROVIDER_ERROR"));
    const QString message = error.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QLatin1String("Value not in list")) && message.contains(QLatin1String("CheckpointLoaderSimple")),
             qPrintable(message));
    QVERIFY2(!message.contains(QLatin1String("lighthouse")), qPrintable(message));
    QCOMPARE(m_fake.prompts().size() - promptsBefore, 1); // permanent: not retried
    expectRefunded(user, before);
}

void TestProviderComfyUi::executionError()
{
    const TestUser user = m_f.newUser(QStringLiteral("execerror"));
    const qint64 before = m_f.credits(user);
    const QString id = submit(user, Scenario::ExecutionError);
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(context(done)));
    const QJsonObject error = done.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QStringLiteral("PROVIDER_ERROR"));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("CUDA out of memory")), qPrintable(context(done)));
    QVERIFY2(error.value(QStringLiteral("message")).toString().contains(QLatin1String("KSampler")), qPrintable(context(done)));
    expectRefunded(user, before);
}

void TestProviderComfyUi::hangTimesOut()
{
    const TestUser user = m_f.newUser(QStringLiteral("hang"));
    const qint64 before = m_f.credits(user);
    const int promptsBefore = m_fake.prompts().size();
    QElapsedTimer timer;
    timer.start();
    const QString id = submit(user, Scenario::Hang);
    const QJsonObject done = m_f.waitFinished(user, id, 30000);
    const qint64 took = timer.elapsed();
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(context(done)));
    QCOMPARE(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString(), QStringLiteral("TIMEOUT"));
    QVERIFY2(took < 20000, qPrintable(QStringLiteral("took %1 ms").arg(took)));
    const QList<FakeComfyUi::Prompt> prompts = m_fake.prompts().mid(promptsBefore);
    QCOMPARE(prompts.size(), 2); // VESPER_JOB_MAX_ATTEMPTS=2
    // Each timed-out attempt stopped its prompt on ComfyUI instead of leaving it to run.
    for (const FakeComfyUi::Prompt &p : prompts) {
        QVERIFY2(m_fake.interrupted().contains(p.promptId), qPrintable(m_fake.interrupted().join(QLatin1Char(' '))));
        QVERIFY2(m_fake.dequeued().contains(p.promptId), qPrintable(m_fake.dequeued().join(QLatin1Char(' '))));
    }
    expectRefunded(user, before);
}

void TestProviderComfyUi::rateLimitedThenSucceeds()
{
    const TestUser user = m_f.newUser(QStringLiteral("ratelimit"));
    const qint64 before = m_f.credits(user);
    const int promptsBefore = m_fake.prompts().size();
    const QString id = submit(user, Scenario::RateLimitOnce);
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeComfyUi::Prompt> prompts = m_fake.prompts().mid(promptsBefore);
    QCOMPARE(prompts.size(), 2);
    QCOMPARE(prompts.at(0).status, 429);
    QCOMPARE(prompts.at(1).status, 200);
    const qint64 gap = prompts.at(1).atMs - prompts.at(0).atMs;
    QVERIFY2(gap >= 950, qPrintable(QStringLiteral("retried %1 ms after the 429").arg(gap)));
    QCOMPARE(m_f.credits(user), before - 1);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestProviderComfyUi::cancelInterrupts()
{
    const TestUser user = m_f.newUser(QStringLiteral("cancel"));
    const qint64 before = m_f.credits(user);
    const int promptsBefore = m_fake.prompts().size();
    const QString id = submit(user, Scenario::Hang);
    // Wait until ComfyUI runs it (the fake sent execution_start and a step).
    QElapsedTimer timer;
    timer.start();
    while (m_fake.prompts().size() == promptsBefore && timer.elapsed() < 10000)
        QThread::msleep(20);
    QVERIFY2(m_fake.prompts().size() > promptsBefore, qPrintable(m_f.serverLog()));
    QThread::msleep(300);
    const Reply cancel = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, user.accessToken);
    QVERIFY2(cancel.status == 200 || cancel.status == 202, qPrintable(describe(cancel)));
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("cancelled"), qPrintable(context(done)));
    const QString promptId = m_fake.prompts().at(promptsBefore).promptId;
    // The adapter returns right after its stop calls; give the fake a moment to have recorded them.
    timer.restart();
    while (!m_fake.dequeued().contains(promptId) && timer.elapsed() < 3000)
        QThread::msleep(20);
    QVERIFY2(m_fake.interrupted().contains(promptId), qPrintable(m_fake.interrupted().join(QLatin1Char(' '))));
    QVERIFY2(m_fake.dequeued().contains(promptId), qPrintable(m_fake.dequeued().join(QLatin1Char(' '))));
    QCOMPARE(m_fake.prompts().size() - promptsBefore, 1);
    expectRefunded(user, before);
}

void TestProviderComfyUi::garbage()
{
    for (const Scenario scenario : {Scenario::GarbageHistory, Scenario::GarbageImage}) {
        const TestUser user = m_f.newUser(QStringLiteral("garbage"));
        const qint64 before = m_f.credits(user);
        const QString id = submit(user, scenario);
        const QJsonObject done = m_f.waitFinished(user, id);
        QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(context(done)));
        QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString() == QLatin1String("BAD_RESPONSE"),
                 qPrintable(context(done)));
        QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QLatin1String("ComfyUI")),
                 qPrintable(context(done)));
        expectRefunded(user, before);
    }
}

void TestProviderComfyUi::websocketRefusedPollsHistory()
{
    const TestUser user = m_f.newUser(QStringLiteral("nows"));
    const int promptsBefore = m_fake.prompts().size();
    const QString id = submit(user, Scenario::WebSocketRefused);
    QElapsedTimer timer;
    timer.start();
    QJsonObject estimated, last;
    while (timer.elapsed() < 20000) {
        last = m_f.status(user, id);
        const QString state = last.value(QStringLiteral("status")).toString();
        if (state == QLatin1String("processing") && last.value(QStringLiteral("progress")).toInt() > 0
            && last.value(QStringLiteral("progressIsEstimate")).toBool())
            estimated = last;
        if (state != QLatin1String("processing") && state != QLatin1String("queued"))
            break;
        QThread::msleep(30);
    }
    QVERIFY2(last.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(last)));
    QVERIFY2(!estimated.isEmpty(), qPrintable(context(last)));
    const QList<FakeComfyUi::Prompt> prompts = m_fake.prompts().mid(promptsBefore);
    QCOMPARE(prompts.size(), 1);
    QVERIFY(!prompts.at(0).socketOpen);
    QVERIFY2(m_fake.http().count("GET", QStringLiteral("/history/") + prompts.at(0).promptId) >= 3,
             "the adapter did not poll the history");
    m_fake.setScenario(Scenario::Success);
}

void TestProviderComfyUi::fewerImagesRefundsTheRest()
{
    // A workflow that saves one image when three were asked for (and paid for): two come back.
    const TestUser user = m_f.newUser(QStringLiteral("fewer"));
    const qint64 before = m_f.credits(user);
    const QString id = submit(user, Scenario::OneImage, 3);
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_f.credits(user), before - 3);
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 1);
    QCOMPARE(m_f.credits(user), before - 1);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestProviderComfyUi::historyBlipIsTolerated()
{
    // Two failed /history polls in a row: the prompt that runs on ComfyUI is neither given up nor
    // queued a second time by a retry.
    const TestUser user = m_f.newUser(QStringLiteral("blip"));
    const int promptsBefore = m_fake.prompts().size();
    const QString id = submit(user, Scenario::HistoryBlip, 1, QStringLiteral("1:1"));
    QVERIFY(!id.isEmpty());
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    QCOMPARE(m_fake.prompts().size(), promptsBefore + 1);
}

QTEST_MAIN(TestProviderComfyUi)
#include "tst_provider_comfyui.moc"
