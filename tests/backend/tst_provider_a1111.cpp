// The a1111 adapter through a real vesper-server against a fake AUTOMATIC1111 web UI: images
// stored with their real sizes (the batch grid skipped), real progress from /progress, the web UI's
// error text, a hang ending in TIMEOUT, 429 with Retry-After, cancel by /interrupt, garbage answers,
// and the circuit breaker opening and closing again end to end. The web UI is shared: their Interrupt
// never sells our job (tst_provider_a1111_shared has the rest of sharing it with a person).
#include "fakea1111.h"
#include "generationfixture.h"
#include "replycheck.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QThread>
#include <atomic>
#include <thread>

#include "backend/providers/a1111provider.h"
#include "backend/providers/providerhttp.h"
#include "backend/repositories/generationsettlement.h"

using namespace vesper::backend;
using namespace vesper::test;

namespace {
const QString kModel = QStringLiteral("a1111-sd");

QHash<QString, QString> serverEnv(const QString &fakeUrl)
{
    return {{QStringLiteral("VESPER_A1111_URL"), fakeUrl},
            {QStringLiteral("VESPER_PROVIDER_POLL_MS"), QStringLiteral("50")},
            {QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("100")},
            {QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("2")},
            {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("3")},
            {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
            {QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("100")}, // the breaker has its own test
            {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}};
}

/// A job's sink for calling the adapter in-process: records progress, stops when told.
class RecordingSink : public ProgressSink {
public:
    void progress(int percent, bool estimate) override
    {
        seen.append({percent, estimate});
        at.append(QDateTime::currentMSecsSinceEpoch());
    }
    bool cancelled() const override { return stop.load(); }
    QList<QPair<int, bool>> seen;
    QList<qint64> at; // when each progress came
    std::atomic<bool> stop{false};
};

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
} // namespace

namespace {
/// The request's task id (force_task_id) of the fake's last txt2img.
QString lastTaskId(const FakeA1111 &fake)
{
    return fake.lastTxt2Img().value(QStringLiteral("force_task_id")).toString();
}

GenerationRequest smallRequest()
{
    GenerationRequest request;
    request.generationId = QStringLiteral("gen-1");
    request.prompt = QStringLiteral("a red fox");
    request.resolution = 256;
    return request;
}
} // namespace

class TestProviderA1111 : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;
    FakeA1111 m_fake;

    /// Submits a generation on a1111-sd for the owner; its id.
    QString submit(int numOutputs = 1, const QString &ratio = QStringLiteral("1:1"), GenerationFixture *f = nullptr);
    /// The provider on the shared fake, called in-process.
    A1111Provider inProcessProvider(int timeoutSeconds = 10) const;
    /// Waits until the generation failed; checks the code and that the credits came back.
    void expectFailedAndRefunded(const QString &id, qint64 before, const QString &code, QJsonObject *status = nullptr);

private Q_SLOTS:
    void initTestCase();
    void init();
    void inProcess();
    void success();
    void progress();
    void providerError();
    void hang();
    void rateLimited();
    void cancel();
    void cancelWhileWaitingToRetry();
    void oneJobAtATime();
    void garbage();
    void breakerOpensAndCloses();
    void interruptedByOther();
    void longErrorIsCutOnce();
    void recurringErrorIsPermanent();
    void validationError();
};

void TestProviderA1111::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
    QVERIFY2(m_f.start(serverEnv(m_fake.url()), &reason), qPrintable(reason));
}

void TestProviderA1111::init()
{
    m_fake.reset();
}

QString TestProviderA1111::submit(int numOutputs, const QString &ratio, GenerationFixture *f)
{
    f = f ? f : &m_f;
    QJsonObject body = generateBody(f->sessionId, newClientId(), numOutputs, ratio, QStringLiteral("512"), kModel);
    body.insert(QStringLiteral("negativePrompt"), QStringLiteral("blurry, text"));
    const Reply accepted = f->client->post(QStringLiteral("/api/generate"), body, f->owner.accessToken);
    if (accepted.status != 202)
        qWarning() << "generate refused:" << describe(accepted);
    return accepted.json.value(QStringLiteral("id")).toString();
}

void TestProviderA1111::expectFailedAndRefunded(const QString &id, qint64 before, const QString &code, QJsonObject *status)
{
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(json(done) + m_f.serverLog()));
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString() == code, qPrintable(json(done)));
    QCOMPARE(m_f.credits(m_f.owner), before);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
    if (status)
        *status = done;
}

A1111Provider TestProviderA1111::inProcessProvider(int timeoutSeconds) const
{
    ProviderSettings settings;
    settings.a1111Url = m_fake.url();
    settings.pollMs = 50;
    settings.timeoutSeconds = timeoutSeconds;
    return A1111Provider(settings);
}

void TestProviderA1111::inProcess()
{
    ProviderSettings settings;
    settings.a1111Url = m_fake.url();
    settings.pollMs = 50;
    settings.timeoutSeconds = 5;
    A1111Provider provider(settings);
    GenerationRequest request;
    request.prompt = QStringLiteral("a red fox");
    request.aspectRatio = QStringLiteral("3:4");
    request.resolution = 1024;
    request.numOutputs = 3;
    request.seed = 7;
    m_fake.setDelayMs(600);
    RecordingSink sink;
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.images.size(), 3);
    for (const GeneratedImage &image : result.images) {
        QCOMPARE(QSize(image.width, image.height), QSize(768, 1024));
        QCOMPARE(image.mime, QStringLiteral("image/png"));
        QVERIFY2(!image.bytes.contains("parameters"), "the web UI's infotext chunk (with the prompt) is kept");
    }
    QVERIFY(!sink.seen.isEmpty());
    for (const auto &[percent, estimate] : std::as_const(sink.seen))
        QVERIFY2(percent > 0 && percent < 100 && !estimate, qPrintable(QString::number(percent)));

    // A web UI that hangs even after the interrupt: the job's stop still ends the call at once.
    m_fake.reset();
    m_fake.setScenario(FakeA1111::Scenario::Hang);
    settings.timeoutSeconds = 60;
    RecordingSink stopping;
    std::thread stopper([&stopping] {
        QThread::msleep(500);
        stopping.stop = true;
    });
    QElapsedTimer timer;
    timer.start();
    const ProviderResult stopped = provider.generate(request, stopping);
    stopper.join();
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(stopped.ok, false);
    QCOMPARE(stopped.errorCode, QStringLiteral("CANCELLED"));
    QCOMPARE(m_fake.interrupts(), 1);
}

void TestProviderA1111::success()
{
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit(2, QStringLiteral("16:9"));
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_f.credits(m_f.owner), before - 2);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2); // the grid the web UI puts first is not an output
    for (const QJsonValue &output : outputs) {
        QCOMPARE(output.toObject().value(QStringLiteral("width")).toInt(), 512);
        QCOMPARE(output.toObject().value(QStringLiteral("height")).toInt(), 288);
    }
    const QString outputId = outputs.at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), m_f.owner.accessToken);
    EXPECT_STATUS(full, 200);
    const QImage image = QImage::fromData(full.body);
    QCOMPARE(image.size(), QSize(512, 288));
    const Reply thumb = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId), m_f.owner.accessToken);
    EXPECT_STATUS(thumb, 200);
    QVERIFY(thumb.body.startsWith("RIFF") && thumb.body.mid(8, 4) == "WEBP");
    QCOMPARE(m_f.credits(m_f.owner), before - 2);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));

    const QJsonObject sent = m_fake.lastTxt2Img();
    QCOMPARE(sent.value(QStringLiteral("prompt")).toString(), QStringLiteral("a lighthouse at dusk, watercolour"));
    QCOMPARE(sent.value(QStringLiteral("negative_prompt")).toString(), QStringLiteral("blurry, text"));
    QCOMPARE(sent.value(QStringLiteral("width")).toInt(), 512);
    QCOMPARE(sent.value(QStringLiteral("height")).toInt(), 288);
    QCOMPARE(sent.value(QStringLiteral("seed")).toInteger(), 42);
    QCOMPARE(sent.value(QStringLiteral("batch_size")).toInt(), 2);
    QCOMPARE(sent.value(QStringLiteral("n_iter")).toInt(), 1);
    QVERIFY2(sent.value(QStringLiteral("steps")).toInt() > 0 && sent.value(QStringLiteral("cfg_scale")).toDouble() > 0, qPrintable(json(sent)));
    QVERIFY(!sent.value(QStringLiteral("sampler_name")).toString().isEmpty());
    QCOMPARE(m_fake.server().count("POST", QStringLiteral("/sdapi/v1/txt2img")), 1);
    QCOMPARE(m_fake.interrupts(), 0);
}

void TestProviderA1111::progress()
{
    m_fake.setDelayMs(2000);
    const QString id = submit();
    QElapsedTimer timer;
    timer.start();
    QJsonObject midway;
    while (timer.elapsed() < 10000) {
        const QJsonObject now = m_f.status(m_f.owner, id);
        const int progress = now.value(QStringLiteral("progress")).toInt();
        if (now.value(QStringLiteral("status")).toString() == QLatin1String("processing") && progress > 0 && progress < 100) {
            midway = now;
            break;
        }
        if (now.value(QStringLiteral("status")).toString() == QLatin1String("completed"))
            break;
        QThread::msleep(30);
    }
    QVERIFY2(!midway.isEmpty(), qPrintable(m_f.serverLog()));
    QVERIFY2(midway.value(QStringLiteral("progressIsEstimate")).toBool() == false, qPrintable(json(midway)));
    QVERIFY(m_fake.server().count("GET", QStringLiteral("/sdapi/v1/progress")) > 0);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(done.value(QStringLiteral("progress")).toInt(), 100);
}

void TestProviderA1111::providerError()
{
    m_fake.setScenario(FakeA1111::Scenario::Error);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("PROVIDER_ERROR"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("CUDA out of memory")) && message.contains(QStringLiteral("Stable Diffusion")), qPrintable(message));
    QVERIFY2(!message.contains(QStringLiteral("lighthouse")), qPrintable(message));
    QCOMPARE(m_fake.txt2imgTimes().size(), 2); // a 500 is retried once (VESPER_JOB_MAX_ATTEMPTS=2)
}

void TestProviderA1111::hang()
{
    m_fake.setScenario(FakeA1111::Scenario::Hang);
    const qint64 before = m_f.credits(m_f.owner);
    QElapsedTimer timer;
    timer.start();
    expectFailedAndRefunded(submit(), before, QStringLiteral("TIMEOUT"));
    QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_fake.txt2imgTimes().size(), 2);
    QVERIFY2(m_fake.interrupts() >= 2, qPrintable(QString::number(m_fake.interrupts()))); // each timed-out attempt stops the web UI
}

void TestProviderA1111::rateLimited()
{
    m_fake.setScenario(FakeA1111::Scenario::RateLimitOnce);
    const QString id = submit();
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    const QList<qint64> times = m_fake.txt2imgTimes();
    QCOMPARE(times.size(), 2);
    QVERIFY2(times.at(1) - times.at(0) >= 950, qPrintable(QStringLiteral("retried after %1 ms").arg(times.at(1) - times.at(0))));
}

void TestProviderA1111::cancel()
{
    m_fake.setDelayMs(20000);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000 && m_fake.txt2imgTimes().isEmpty())
        QThread::msleep(20);
    QVERIFY2(!m_fake.txt2imgTimes().isEmpty(), qPrintable(m_f.serverLog()));
    EXPECT_STATUS(m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, m_f.owner.accessToken), 200);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("cancelled"), qPrintable(json(done) + m_f.serverLog()));
    QVERIFY2(timer.elapsed() < 2900, qPrintable(QString::number(timer.elapsed()))); // before the 3 s timeout could end it
    QTRY_VERIFY_WITH_TIMEOUT(m_fake.interrupts() == 1, 3000);
    QCOMPARE(m_fake.interruptedTasks(), QStringList{lastTaskId(m_fake)}); // ours, while it ran
    QCOMPARE(m_f.credits(m_f.owner), before);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
}

void TestProviderA1111::cancelWhileWaitingToRetry()
{
    // A transient failure parks the job for its backoff (here close to a minute): a cancel then
    // must end it at once, not when the wait is over.
    FakeA1111 fake;
    QString reason;
    QVERIFY2(fake.start(&reason), qPrintable(reason));
    fake.setScenario(FakeA1111::Scenario::Unavailable);
    QHash<QString, QString> env = serverEnv(fake.url());
    env.insert(QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("600000"));
    env.insert(QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("3"));
    GenerationFixture f;
    QVERIFY2(f.start(env, &reason), qPrintable(reason));
    const qint64 before = f.credits(f.owner);
    const QString id = submit(1, QStringLiteral("1:1"), &f);
    QVERIFY(!id.isEmpty());
    const QString waiting = QStringLiteral("SELECT COUNT(*) FROM jobs WHERE generation_id = '%1' AND attempts = 1 AND lease_owner IS NULL").arg(id);
    QTRY_VERIFY_WITH_TIMEOUT(f.data->scalar(waiting).toInt() == 1, 10000);
    QCOMPARE(fake.txt2imgTimes().size(), 1);
    QCOMPARE(f.status(f.owner, id).value(QStringLiteral("status")).toString(), QStringLiteral("processing"));

    const Reply cancelled = f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, f.owner.accessToken);
    EXPECT_STATUS(cancelled, 200);
    QCOMPARE(cancelled.json.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(f.credits(f.owner), before);
    QCOMPARE(f.ledger(f.owner), f.credits(f.owner));
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
    QCOMPARE(fake.txt2imgTimes().size(), 1); // and the provider is not called again
}

void TestProviderA1111::oneJobAtATime()
{
    // Two workers, two jobs, one web UI: its /interrupt and /progress are not per job, so the
    // second txt2img waits (back in the queue, no attempt spent) until the first has answered.
    m_fake.setDelayMs(700);
    const QString first = submit();
    const QString second = submit();
    for (const QString &id : {first, second}) {
        const QJsonObject done = m_f.waitFinished(m_f.owner, id);
        QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    }
    const QList<qint64> times = m_fake.txt2imgTimes();
    QCOMPARE(times.size(), 2);
    QVERIFY2(qAbs(times.at(1) - times.at(0)) >= 650, qPrintable(QStringLiteral("txt2img calls %1 ms apart").arg(times.at(1) - times.at(0))));
    QCOMPARE(m_f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
}

void TestProviderA1111::garbage()
{
    const qint64 before = m_f.credits(m_f.owner);
    m_fake.setScenario(FakeA1111::Scenario::NotJson);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("BAD_RESPONSE"), &done);
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("JSON")),
             qPrintable(json(done)));
    m_fake.setScenario(FakeA1111::Scenario::BadImage);
    expectFailedAndRefunded(submit(), before, QStringLiteral("BAD_RESPONSE"), &done);
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("decode")),
             qPrintable(json(done)));
    QCOMPARE(m_fake.txt2imgTimes().size(), 2); // permanent: not retried
}

namespace {
/// /api/models' "available" for a1111-sd; -1 when the model is not listed.
int a1111Available(GenerationFixture &f)
{
    const Reply models = f.client->get(QStringLiteral("/api/models"), f.owner.accessToken);
    for (const QJsonValue &model : models.json.value(QStringLiteral("models")).toArray()) {
        if (model.toObject().value(QStringLiteral("id")).toString() == kModel)
            return model.toObject().value(QStringLiteral("available")).toBool() ? 1 : 0;
    }
    return -1;
}

/// The vesper_provider_breaker_open gauge line for a1111 in /metrics (empty when absent).
QByteArray breakerGauge(GenerationFixture &f)
{
    const Reply metrics = f.client->get(QStringLiteral("/metrics"));
    for (const QByteArray &line : metrics.body.split('\n')) {
        if (line.startsWith("vesper_provider_breaker_open{provider=\"a1111\"}"))
            return line;
    }
    return {};
}
} // namespace

void TestProviderA1111::breakerOpensAndCloses()
{
    // Its own server and web UI: the breaker's state is process-wide and must not leak into the others.
    FakeA1111 fake;
    GenerationFixture f;
    QString reason;
    QVERIFY2(fake.start(&reason), qPrintable(reason));
    QHash<QString, QString> env = serverEnv(fake.url());
    env.insert(QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("3"));
    env.insert(QStringLiteral("VESPER_BREAKER_COOLDOWN_SECONDS"), QStringLiteral("2"));
    // Four attempts: three fail and open the breaker; waiting for the cooldown must not spend the
    // fourth, which is the probe.
    env.insert(QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("4"));
    QVERIFY2(f.start(env, &reason), qPrintable(reason));
    QCOMPARE(a1111Available(f), 1);

    fake.setScenario(FakeA1111::Scenario::Unavailable);
    const QString id = submit(1, QStringLiteral("1:1"), &f);
    QVERIFY(!id.isEmpty());
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000 && !(a1111Available(f) == 0 && breakerGauge(f).endsWith(" 1")))
        QThread::msleep(25);
    QVERIFY2(a1111Available(f) == 0, qPrintable(f.serverLog()));
    QVERIFY2(breakerGauge(f).endsWith(" 1"), breakerGauge(f).constData());
    const int failedCalls = fake.txt2imgTimes().size();
    QVERIFY2(failedCalls == 3, qPrintable(QString::number(failedCalls)));

    // While it is open no call reaches the web UI; after the cooldown one probe succeeds.
    fake.setScenario(FakeA1111::Scenario::Success);
    const QJsonObject done = f.waitFinished(f.owner, id, 20000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + f.serverLog()));
    const QList<qint64> times = fake.txt2imgTimes();
    QCOMPARE(times.size(), failedCalls + 1);
    QVERIFY2(times.last() - times.at(failedCalls - 1) >= 1900,
             qPrintable(QStringLiteral("the probe came %1 ms after the last failure").arg(times.last() - times.at(failedCalls - 1))));
    QCOMPARE(a1111Available(f), 1);
    QVERIFY2(breakerGauge(f).endsWith(" 0"), breakerGauge(f).constData());
}



void TestProviderA1111::interruptedByOther()
{
    // Someone presses Interrupt at step 6 of 25: the web UI answers 200 with the partial image.
    // It is a failure, refunded, not retried, never a completed generation.
    m_fake.setScenario(FakeA1111::Scenario::InterruptedByOther);
    m_fake.setDelayMs(1500);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("INTERRUPTED"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("Interrupt")), qPrintable(message));
    QVERIFY2(done.value(QStringLiteral("outputs")).toArray().isEmpty(), qPrintable(json(done)));
    QCOMPARE(m_fake.txt2imgTimes().size(), 1);
    QCOMPARE(m_fake.interrupts(), 0);
}

void TestProviderA1111::recurringErrorIsPermanent()
{
    // A NaN check fails again on the same request: one call, a permanent error with the whole text.
    m_fake.setScenario(FakeA1111::Scenario::NanError);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("PROVIDER_ERROR"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("NansException")) && message.endsWith(QStringLiteral("to disable this check.")), qPrintable(message));
    QCOMPARE(m_fake.txt2imgTimes().size(), 1);

    // In-process: permanent (the runner then neither retries nor counts a breaker failure); running
    // out of GPU memory stays transient.
    A1111Provider provider = inProcessProvider();
    RecordingSink sink;
    ProviderResult result = provider.generate(smallRequest(), sink);
    QCOMPARE(result.transient, false);
    m_fake.setScenario(FakeA1111::Scenario::Error);
    result = provider.generate(smallRequest(), sink);
    QCOMPARE(result.transient, true);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("OutOfMemoryError: CUDA out of memory")), qPrintable(result.errorMessage));
}

void TestProviderA1111::validationError()
{
    m_fake.setScenario(FakeA1111::Scenario::Invalid);
    A1111Provider provider = inProcessProvider();
    RecordingSink sink;
    const ProviderResult result = provider.generate(smallRequest(), sink);
    QCOMPARE(result.errorCode, QStringLiteral("PROVIDER_ERROR"));
    QCOMPARE(result.transient, false);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("HTTP 422): steps: ensure this value is less than or equal to 150")),
             qPrintable(result.errorMessage));
}

void TestProviderA1111::longErrorIsCutOnce()
{
    // A 3000-character exception: the adapter cuts it once, within what a generation stores, with
    // "…"; the store's own cut (for any provider) also says so.
    m_fake.setScenario(FakeA1111::Scenario::LongError);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("PROVIDER_ERROR"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.startsWith(QStringLiteral("Stable Diffusion web UI failed with HTTP 500: RuntimeError: shape mismatch: 777")), qPrintable(message));
    QVERIFY2(message.endsWith(QStringLiteral("7…")) && message.size() <= GenerationSettlement::kMessageLimit, qPrintable(QString::number(message.size())));
    QCOMPARE(m_fake.txt2imgTimes().size(), 1); // a RuntimeError recurs: permanent

    const QString stored = GenerationSettlement::storedMessage(QString(1500, QLatin1Char('x')));
    QCOMPARE(stored.size(), GenerationSettlement::kMessageLimit);
    QVERIFY(stored.endsWith(QStringLiteral("x…")));
    QCOMPARE(GenerationSettlement::storedMessage(QStringLiteral("short")), QStringLiteral("short"));
}

QTEST_GUILESS_MAIN(TestProviderA1111)
#include "tst_provider_a1111.moc"
