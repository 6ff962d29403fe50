// The replicate adapter through a real vesper-server against a fake Replicate API: a prediction
// created on the model's endpoint with the bearer token, polled to the end, its files downloaded
// without the token from another host; progress from the model's tqdm logs (real) or from time
// (estimate); a failed prediction's error, a hang ending in TIMEOUT, 429 with Retry-After, cancel
// by the prediction's cancel call, and garbage answers. Then what the real service does that the
// first adapter got wrong: throttled polls, FLUX's NSFW filter keeping some images, "aborted", a
// create answered 5xx (made or not), a server killed or stopped mid-prediction (the prediction is
// left running and the next attempt follows it), a pinned version, 422 validation, single-string output.
#include "fakereplicate.h"
#include "generationfixture.h"
#include "replycheck.h"

#include "backend/providers/providerhttp.h"
#include "backend/providers/replicatelookup.h"
#include "backend/providers/replicateprotocol.h"
#include "backend/providers/replicateprovider.h"

#include <QElapsedTimer>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QThread>

using namespace vesper::backend;
using namespace vesper::test;

namespace {
const QString kModel = QStringLiteral("replicate-flux");

QString json(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

/// A sink for calling the adapter in the test's own process.
class PlainSink : public ProgressSink {
public:
    void progress(int, bool) override {}
    bool cancelled() const override { return false; }
};
} // namespace

class TestProviderReplicate : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;
    FakeReplicate m_fake;

    QString submit(int numOutputs = 1, const QString &ratio = QStringLiteral("1:1"));
    void expectFailedAndRefunded(const QString &id, qint64 before, const QString &code, QJsonObject *status = nullptr);
    /// Waits (up to 5 s) until the server polls a prediction: one is running on the fake.
    bool waitForPolls();
    /// Polls until the generation shows progress between 0 and 100 while processing; that status.
    QJsonObject midway(const QString &id);

private Q_SLOTS:
    void initTestCase();
    void init();
    void protocol();
    void success();
    void progressFromLogs();
    void progressEstimated();
    void providerError();
    void hang();
    void rateLimited();
    void cancel();
    void garbage();
    void throttledPolls();
    void throttledPollWithoutRetryAfter();
    void nsfwPartial();
    void aborted();
    void createLost();
    void createFailsOnce();
    void instanceKilledMidPrediction();
    void instanceStoppedMidPrediction();
    void pinnedVersionAndValidation();
    void singleStringOutput();
    void outputFormatHonoured();
};

void TestProviderReplicate::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("VESPER_REPLICATE_URL"), m_fake.url()},
                        {QStringLiteral("REPLICATE_API_TOKEN"), FakeReplicate::kToken},
                        {QStringLiteral("VESPER_PROVIDER_POLL_MS"), QStringLiteral("50")},
                        {QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("100")},
                        {QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("3")},
                        {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("100")},
                        {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                       &reason),
             qPrintable(reason));
}

void TestProviderReplicate::init()
{
    m_fake.reset();
}

QString TestProviderReplicate::submit(int numOutputs, const QString &ratio)
{
    const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"),
                                            generateBody(m_f.sessionId, newClientId(), numOutputs, ratio, QStringLiteral("512"), kModel),
                                            m_f.owner.accessToken);
    if (accepted.status != 202)
        qWarning() << "generate refused:" << describe(accepted);
    return accepted.json.value(QStringLiteral("id")).toString();
}

void TestProviderReplicate::expectFailedAndRefunded(const QString &id, qint64 before, const QString &code, QJsonObject *status)
{
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(json(done) + m_f.serverLog()));
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toString() == code, qPrintable(json(done)));
    QCOMPARE(m_f.credits(m_f.owner), before);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
    if (status)
        *status = done;
}

bool TestProviderReplicate::waitForPolls()
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 5000 && m_fake.server().count("GET", QStringLiteral("/v1/predictions/")) == 0)
        QThread::msleep(20);
    return m_fake.server().count("GET", QStringLiteral("/v1/predictions/")) > 0;
}

QJsonObject TestProviderReplicate::midway(const QString &id)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000) {
        const QJsonObject now = m_f.status(m_f.owner, id);
        const QString state = now.value(QStringLiteral("status")).toString();
        const int progress = now.value(QStringLiteral("progress")).toInt();
        if (state == QLatin1String("processing") && progress > 0 && progress < 100)
            return now;
        if (state == QLatin1String("completed") || state == QLatin1String("failed"))
            break;
        QThread::msleep(30);
    }
    return {};
}

void TestProviderReplicate::protocol()
{
    QCOMPARE(replicate::lastLogPercent(QStringLiteral("seed 1\n 25%|██▌       | 1/4 [00:00<00:01]\n 50%|█████     | 2/4 [00:01<00:01]")), 50);
    QCOMPARE(replicate::lastLogPercent(QStringLiteral("Using seed: 42\nrunning")), -1);
    // A model's loading bars are not the drawing: only bars that start their line count.
    QCOMPARE(replicate::lastLogPercent(QStringLiteral("Loading checkpoint shards: 100%|██████████| 3/3 [00:02<00:00]\n")), -1);
    QCOMPARE(replicate::lastLogPercent(QStringLiteral("Loading pipeline: 100%|████| 7/7\n 25%|██▌       | 1/4\r 75%|███████▌  | 3/4")), 75);
    GenerationRequest request;
    request.prompt = QStringLiteral("p");
    request.aspectRatio = QStringLiteral("9:16");
    request.resolution = 1024;
    const replicate::Create pinned = replicate::createCall(QStringLiteral("acme/flux:abc123"), request);
    QVERIFY(pinned.valid);
    QCOMPARE(pinned.path, QStringLiteral("/v1/predictions"));
    const QJsonObject body = QJsonDocument::fromJson(pinned.body).object();
    QCOMPARE(body.value(QStringLiteral("version")).toString(), QStringLiteral("abc123"));
    QCOMPARE(body.value(QStringLiteral("input")).toObject().value(QStringLiteral("megapixels")).toString(), QStringLiteral("1"));
    QVERIFY(!replicate::createCall(QStringLiteral("no-slash"), request).valid);
    const replicate::Prediction single = replicate::parsePrediction(R"({"id":"x","status":"succeeded","output":"https://a/b.png"})");
    QVERIFY(single.valid);
    QCOMPARE(single.outputs, QStringList{QStringLiteral("https://a/b.png")});
    QVERIFY(replicate::isFinal(QStringLiteral("aborted")));
    QVERIFY(!replicate::isFinal(QStringLiteral("processing")));
    const replicate::Prediction filtered = replicate::parsePrediction(
        R"({"id":"x","status":"succeeded","output":["https://a/0.png"],"metrics":{"image_count":1},"logs":"Total safe images: 1 out of 2\n"})");
    QCOMPARE(filtered.imageCount, 1);
    QCOMPARE(filtered.safeOf, 2);

    // The prediction an unanswered create made: same input, same model, not older than the create.
    const QJsonObject input{{QStringLiteral("prompt"), QStringLiteral("p")}, {QStringLiteral("seed"), 7}};
    const auto listOf = [](const QJsonObject &input, const QString &model, const QString &createdAt) {
        const QJsonObject p{{QStringLiteral("id"), QStringLiteral("abc")}, {QStringLiteral("status"), QStringLiteral("processing")},
                            {QStringLiteral("model"), model}, {QStringLiteral("version"), QStringLiteral("v1")},
                            {QStringLiteral("input"), input}, {QStringLiteral("created_at"), createdAt}};
        return QJsonDocument(QJsonObject{{QStringLiteral("results"), QJsonArray{p}}}).toJson();
    };
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString nowIso = QDateTime::fromMSecsSinceEpoch(now, Qt::UTC).toString(Qt::ISODateWithMs);
    QCOMPARE(replicate::findCreated(listOf(input, QStringLiteral("a/b"), nowIso), input, QStringLiteral("a/b"), now).id, QStringLiteral("abc"));
    QCOMPARE(replicate::findCreated(listOf(input, QStringLiteral("a/c"), nowIso), input, QStringLiteral("a/b:v1"), now).id, QStringLiteral("abc"));
    QVERIFY(!replicate::findCreated(listOf(input, QStringLiteral("a/c"), nowIso), input, QStringLiteral("a/b"), now).valid);
    QJsonObject other = input;
    other.insert(QStringLiteral("seed"), 8);
    QVERIFY(!replicate::findCreated(listOf(other, QStringLiteral("a/b"), nowIso), input, QStringLiteral("a/b"), now).valid);
    const QString hourAgo = QDateTime::fromMSecsSinceEpoch(now - 3600 * 1000, Qt::UTC).toString(Qt::ISODateWithMs);
    QVERIFY(!replicate::findCreated(listOf(input, QStringLiteral("a/b"), hourAgo), input, QStringLiteral("a/b"), now).valid);
}

void TestProviderReplicate::success()
{
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit(2, QStringLiteral("16:9"));
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_f.credits(m_f.owner), before - 6);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    for (const QJsonValue &output : outputs) {
        QCOMPARE(output.toObject().value(QStringLiteral("width")).toInt(), 512);
        QCOMPARE(output.toObject().value(QStringLiteral("height")).toInt(), 288);
    }
    const QString outputId = outputs.at(1).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), m_f.owner.accessToken);
    EXPECT_STATUS(full, 200);
    QCOMPARE(QImage::fromData(full.body).size(), QSize(512, 288));
    const Reply thumb = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId), m_f.owner.accessToken);
    EXPECT_STATUS(thumb, 200);
    QVERIFY(thumb.body.startsWith("RIFF") && thumb.body.mid(8, 4) == "WEBP");
    QCOMPARE(m_f.credits(m_f.owner), before - 6);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));

    QCOMPARE(m_fake.lastCreatePath(), QStringLiteral("/v1/models/black-forest-labs/flux-schnell/predictions"));
    const QJsonObject input = m_fake.lastCreate().value(QStringLiteral("input")).toObject();
    QCOMPARE(input.value(QStringLiteral("prompt")).toString(), QStringLiteral("a lighthouse at dusk, watercolour"));
    QCOMPARE(input.value(QStringLiteral("aspect_ratio")).toString(), QStringLiteral("16:9"));
    QCOMPARE(input.value(QStringLiteral("num_outputs")).toInt(), 2);
    QCOMPARE(input.value(QStringLiteral("seed")).toInteger(), 42);
    QCOMPARE(input.value(QStringLiteral("megapixels")).toString(), QStringLiteral("0.25"));
    QCOMPARE(input.value(QStringLiteral("output_format")).toString(), QStringLiteral("png"));
    const QList<QByteArray> auth = m_fake.authorizations();
    QVERIFY(auth.size() >= 2); // the create and at least one poll
    for (const QByteArray &header : auth)
        QCOMPARE(header, QByteArray("Bearer " + FakeReplicate::kToken.toUtf8()));
    QCOMPARE(m_fake.server().count("GET", QStringLiteral("/delivery/")), 2);
    QVERIFY2(m_fake.fileAuthorizations().isEmpty(), "the token went to the file host");
    QCOMPARE(m_fake.cancels(), 0);
}

void TestProviderReplicate::progressFromLogs()
{
    m_fake.setLogs(true);
    m_fake.setDurationMs(1500);
    const QString id = submit();
    const QJsonObject seen = midway(id);
    QVERIFY2(!seen.isEmpty(), qPrintable(m_f.serverLog()));
    QVERIFY2(!seen.value(QStringLiteral("progressIsEstimate")).toBool(), qPrintable(json(seen)));
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
}

void TestProviderReplicate::progressEstimated()
{
    m_fake.setDurationMs(2000);
    const QString id = submit();
    const QJsonObject seen = midway(id);
    QVERIFY2(!seen.isEmpty(), qPrintable(m_f.serverLog()));
    QVERIFY2(seen.value(QStringLiteral("progressIsEstimate")).toBool(), qPrintable(json(seen)));
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
}

void TestProviderReplicate::providerError()
{
    m_fake.setScenario(FakeReplicate::Scenario::Failed);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("PROVIDER_ERROR"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("NSFW content detected")) && message.contains(QStringLiteral("Replicate")), qPrintable(message));
    QCOMPARE(m_fake.createTimes().size(), 1); // a failed prediction is final
}

void TestProviderReplicate::hang()
{
    m_fake.setScenario(FakeReplicate::Scenario::Hang);
    const qint64 before = m_f.credits(m_f.owner);
    QElapsedTimer timer;
    timer.start();
    expectFailedAndRefunded(submit(), before, QStringLiteral("TIMEOUT"));
    QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_fake.createTimes().size(), 2);
    // The first create went unanswered: before the second, the list showed it had made nothing.
    int lookups = 0;
    for (const FakeRequest &r : m_fake.server().requests())
        lookups += r.method == "GET" && r.path == QLatin1String("/v1/predictions");
    QVERIFY2(lookups >= 1, qPrintable(m_f.serverLog()));
}

void TestProviderReplicate::rateLimited()
{
    m_fake.setScenario(FakeReplicate::Scenario::RateLimitOnce);
    const QString id = submit();
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    const QList<qint64> times = m_fake.createTimes();
    QCOMPARE(times.size(), 2);
    QVERIFY2(times.at(1) - times.at(0) >= 950, qPrintable(QStringLiteral("retried after %1 ms").arg(times.at(1) - times.at(0))));
}

void TestProviderReplicate::cancel()
{
    m_fake.setDurationMs(20000);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(waitForPolls(), qPrintable(m_f.serverLog()));
    EXPECT_STATUS(m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, m_f.owner.accessToken), 200);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("cancelled"), qPrintable(json(done) + m_f.serverLog()));
    QVERIFY2(timer.elapsed() < 2900, qPrintable(QString::number(timer.elapsed()))); // before the 3 s timeout could end it
    QTRY_VERIFY_WITH_TIMEOUT(m_fake.cancels() == 1, 3000);
    QCOMPARE(m_f.credits(m_f.owner), before);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
}

void TestProviderReplicate::garbage()
{
    const qint64 before = m_f.credits(m_f.owner);
    m_fake.setScenario(FakeReplicate::Scenario::NotJson);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("BAD_RESPONSE"), &done);
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("JSON")),
             qPrintable(json(done)));
    QCOMPARE(m_fake.cancels(), 1); // the prediction we can no longer follow is stopped
    m_fake.setScenario(FakeReplicate::Scenario::BadImage);
    expectFailedAndRefunded(submit(), before, QStringLiteral("BAD_RESPONSE"), &done);
    QVERIFY2(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().contains(QStringLiteral("decode")),
             qPrintable(json(done)));
    QCOMPARE(m_fake.createTimes().size(), 2); // permanent: not retried
}

void TestProviderReplicate::throttledPolls()
{
    // Accounts without a payment method get 6 requests a minute: a throttled poll is waited out as
    // told, and the running (paid) prediction is neither cancelled nor made again.
    m_fake.throttlePolls(2, 1);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.cancels(), 0);
    const QList<qint64> polls = m_fake.pollTimes();
    QVERIFY2(polls.size() >= 3, qPrintable(QString::number(polls.size())));
    for (int i = 1; i <= 2; ++i) // the two polls after a 429 came no sooner than Retry-After said
        QVERIFY2(polls.at(i) - polls.at(i - 1) >= 950, qPrintable(QStringLiteral("poll %1 after %2 ms").arg(i).arg(polls.at(i) - polls.at(i - 1))));
    QCOMPARE(m_f.credits(m_f.owner), before - 3);
}

void TestProviderReplicate::throttledPollWithoutRetryAfter()
{
    // A 429 without Retry-After: the next poll waits the 10 s Replicate's docs name, however short
    // the poll interval, and the prediction is still followed to its images.
    m_fake.throttlePolls(1, 0);
    ProviderSettings settings;
    settings.replicateUrl = m_fake.url();
    settings.replicateToken = FakeReplicate::kToken;
    settings.pollMs = 50;
    settings.timeoutSeconds = 30;
    PlainSink sink;
    GenerationRequest request;
    request.generationId = QStringLiteral("throttled-1");
    request.prompt = QStringLiteral("p");
    const ProviderResult result = ReplicateProvider(settings).generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    const QList<qint64> polls = m_fake.pollTimes();
    QVERIFY2(polls.size() >= 2, qPrintable(QString::number(polls.size())));
    QVERIFY2(polls.at(1) - polls.at(0) >= 9950, qPrintable(QStringLiteral("polled again after %1 ms").arg(polls.at(1) - polls.at(0))));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.cancels(), 0);
}

void TestProviderReplicate::nsfwPartial()
{
    // FLUX withholds the second image and succeeds with one: that one is kept (and paid for), the
    // other refunded, and the reason shown.
    m_fake.setScenario(FakeReplicate::Scenario::NsfwPartial);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit(2);
    QCOMPARE(m_f.credits(m_f.owner), before - 6);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 1);
    // Completed, with the reason the second image is missing.
    QCOMPARE(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("1 of 2 images was withheld by Replicate's safety filter"));
    QCOMPARE(m_f.credits(m_f.owner), before - 3);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
    QCOMPARE(m_fake.createTimes().size(), 1);

    // In-process: the reason travels with the provider's result, which the job runner writes into
    // the completed generation's `error` (checked above).
    ProviderSettings settings;
    settings.replicateUrl = m_fake.url();
    settings.replicateToken = FakeReplicate::kToken;
    settings.pollMs = 50;
    settings.timeoutSeconds = 5;
    PlainSink sink;
    GenerationRequest request;
    request.generationId = QStringLiteral("nsfw-1");
    request.prompt = QStringLiteral("p");
    request.numOutputs = 2;
    const ProviderResult result = ReplicateProvider(settings).generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.images.size(), 1);
    QCOMPARE(result.images.first().index, 0);
    QCOMPARE(result.errorMessage, QStringLiteral("1 of 2 images was withheld by Replicate's safety filter"));
}

void TestProviderReplicate::aborted()
{
    // "aborted": the deadline passed; the prediction is over, and no other one is started.
    m_fake.setScenario(FakeReplicate::Scenario::Aborted);
    const qint64 before = m_f.credits(m_f.owner);
    QJsonObject done;
    expectFailedAndRefunded(submit(), before, QStringLiteral("PROVIDER_ERROR"), &done);
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("deadline")), qPrintable(message));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.pollsAfterFinal(), 0);
    QCOMPARE(m_fake.cancels(), 0);
}

void TestProviderReplicate::createLost()
{
    // The create made a prediction but its answer was a 502: the generation follows that one.
    m_fake.setScenario(FakeReplicate::Scenario::CreateLost);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.predictionsMade(), 1);
    QCOMPARE(m_f.credits(m_f.owner), before - 3);
}

void TestProviderReplicate::createFailsOnce()
{
    // A 503 that made nothing: the list shows so, and only then is another prediction created.
    m_fake.setScenario(FakeReplicate::Scenario::CreateFailsOnce);
    const QString id = submit();
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(m_fake.createTimes().size(), 2);
    QCOMPARE(m_fake.predictionsMade(), 1);
}

void TestProviderReplicate::instanceKilledMidPrediction()
{
    // The server dies (SIGKILL) while its prediction runs. The prediction is kept with the job, so
    // the next attempt — here the restarted server, in a team any instance — follows it: one
    // prediction made and paid for, not two.
    m_fake.setDurationMs(2500);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    QVERIFY2(waitForPolls(), qPrintable(m_f.serverLog()));
    const quint16 port = m_f.server->port();
    m_f.server->kill();
    // The dead instance's lease would run out after a minute; the test lets it go now.
    QVERIFY2(m_f.data->exec(QStringLiteral("UPDATE jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE generation_id = ?"), {id}),
             qPrintable(m_f.data->lastError()));
    QString error;
    QVERIFY2(m_f.server->start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(error));
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.predictionsMade(), 1);
    QCOMPARE(m_fake.cancels(), 0);
    QCOMPARE(m_f.credits(m_f.owner), before - 3);
    QCOMPARE(m_f.ledger(m_f.owner), m_f.credits(m_f.owner));
}

void TestProviderReplicate::instanceStoppedMidPrediction()
{
    // A clean stop (SIGTERM) mid-prediction releases the job and leaves the prediction running —
    // cancelling it would throw away what is paid for — and the next start follows it.
    m_fake.setDurationMs(2500);
    const qint64 before = m_f.credits(m_f.owner);
    const QString id = submit();
    QVERIFY2(waitForPolls(), qPrintable(m_f.serverLog()));
    const quint16 port = m_f.server->port();
    m_f.server->stop();
    QCOMPARE(m_fake.cancels(), 0);
    QString error;
    QVERIFY2(m_f.server->start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(error));
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(m_fake.createTimes().size(), 1);
    QCOMPARE(m_fake.cancels(), 0);
    QCOMPARE(m_f.credits(m_f.owner), before - 3);
}

void TestProviderReplicate::pinnedVersionAndValidation()
{
    ProviderSettings settings;
    settings.replicateUrl = m_fake.url();
    settings.replicateToken = FakeReplicate::kToken;
    settings.replicateModel = QStringLiteral("black-forest-labs/flux-schnell:c846a69991daf4c0");
    settings.pollMs = 50;
    settings.timeoutSeconds = 5;
    ReplicateProvider provider(settings);
    PlainSink sink;
    GenerationRequest request;
    request.generationId = QStringLiteral("pinned-1");
    request.prompt = QStringLiteral("a lighthouse");
    request.resolution = 512;
    const ProviderResult made = provider.generate(request, sink);
    QVERIFY2(made.ok, qPrintable(made.errorMessage));
    QCOMPARE(m_fake.lastCreatePath(), QStringLiteral("/v1/predictions"));
    QCOMPARE(m_fake.lastCreate().value(QStringLiteral("version")).toString(), QStringLiteral("c846a69991daf4c0"));
    QCOMPARE(made.images.size(), 1);

    // 422: the input fails the model's schema; permanent, with Replicate's own words, made once.
    request.aspectRatio = QStringLiteral("7:3");
    const ProviderResult refused = provider.generate(request, sink);
    QVERIFY(!refused.ok);
    QVERIFY(!refused.transient);
    QCOMPARE(refused.errorCode, QStringLiteral("PROVIDER_ERROR"));
    QVERIFY2(refused.errorMessage.contains(QStringLiteral("aspect_ratio")), qPrintable(refused.errorMessage));
    QCOMPARE(m_fake.predictionsMade(), 1);
}

void TestProviderReplicate::singleStringOutput()
{
    m_fake.setScenario(FakeReplicate::Scenario::SingleString);
    const QString id = submit(1);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 1);
}

void TestProviderReplicate::outputFormatHonoured()
{
    // The fake serves what output_format asks (FLUX's default is webp); the adapter asks for png.
    ProviderHttp http(nullptr, 5);
    http.setHeader("Authorization", "Bearer " + FakeReplicate::kToken.toUtf8());
    const QJsonObject body{{QStringLiteral("input"), QJsonObject{{QStringLiteral("prompt"), QStringLiteral("p")},
                                                                 {QStringLiteral("output_format"), QStringLiteral("jpg")}}}};
    const ProviderResponse created = http.post(m_fake.url() + QStringLiteral("/v1/models/black-forest-labs/flux-schnell/predictions"),
                                               QJsonDocument(body).toJson());
    QCOMPARE(created.status, 201);
    const QString get = QJsonDocument::fromJson(created.body).object().value(QStringLiteral("urls")).toObject().value(QStringLiteral("get")).toString();
    replicate::Prediction p;
    QTRY_VERIFY_WITH_TIMEOUT((p = replicate::parsePrediction(http.get(get).body)).status == QLatin1String("succeeded"), 3000);
    QCOMPARE(p.outputs.size(), 1);
    QVERIFY2(p.outputs.first().endsWith(QStringLiteral(".jpg")), qPrintable(p.outputs.first()));
    QCOMPARE(imageMimeOf(http.get(p.outputs.first()).body), QStringLiteral("image/jpeg"));

    const QString id = submit(1);
    const QJsonObject done = m_f.waitFinished(m_f.owner, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(json(done) + m_f.serverLog()));
    const QString outputId = done.value(QStringLiteral("outputs")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), m_f.owner.accessToken);
    EXPECT_STATUS(full, 200);
    QCOMPARE(imageMimeOf(full.body), QStringLiteral("image/png"));
}

QTEST_GUILESS_MAIN(TestProviderReplicate)
#include "tst_provider_replicate.moc"
