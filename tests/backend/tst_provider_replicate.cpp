// The replicate adapter through a real vesper-server against a fake Replicate API: a prediction
// created on the model's endpoint with the bearer token, polled to the end, its files downloaded
// without the token from another host; progress from the model's tqdm logs (real) or from time
// (estimate); a failed prediction's error, a hang ending in TIMEOUT, 429 with Retry-After, cancel
// by the prediction's cancel call, and garbage answers.
#include "fakereplicate.h"
#include "generationfixture.h"
#include "replycheck.h"

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
} // namespace

class TestProviderReplicate : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;
    FakeReplicate m_fake;

    QString submit(int numOutputs = 1, const QString &ratio = QStringLiteral("1:1"));
    void expectFailedAndRefunded(const QString &id, qint64 before, const QString &code, QJsonObject *status = nullptr);
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
    while (timer.elapsed() < 5000 && m_fake.server().count("GET", QStringLiteral("/v1/predictions/")) == 0)
        QThread::msleep(20);
    QVERIFY2(m_fake.server().count("GET", QStringLiteral("/v1/predictions/")) > 0, qPrintable(m_f.serverLog()));
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

QTEST_GUILESS_MAIN(TestProviderReplicate)
#include "tst_provider_replicate.moc"
