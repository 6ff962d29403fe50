// The Gemini adapter against a fake generateContent API, through a real vesper-server: images stored
// at Gemini's sizes, progress estimated, a blocked prompt, 400 / 500 / 429 / 503 answers and quota
// waits, a hang, a cancel, garbage, a text-only answer, truthful refusals, the API key kept out of
// URLs, logs and messages. What only the adapter shows is in tst_provider_gemini_inprocess.cpp.
#include "fakegemini.h"
#include "geminitestkit.h"
#include "generationfixture.h"
#include "replycheck.h"

#include "backend/providers/geminiprovider.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QThread>

using namespace vesper::backend;
using namespace vesper::test;


class TestProviderGemini : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;
    FakeGemini m_fake;
    QStringList m_messages; // every error message seen, checked for the key at the end

    QString submit(const TestUser &user, int outputs, const QString &ratio = QStringLiteral("1:1"),
                   const QString &negative = QString());
    QString context(const QJsonObject &status) const;
    void expectFailed(const TestUser &user, qint64 before, const QJsonObject &done, const QString &code);
    ProviderSettings settings() const;

private Q_SLOTS:
    void initTestCase();
    void success();
    void progress();
    void blockedPrompt();
    void providerError();
    void serverErrorIsRetried();
    void retryAsksOnlyForMissingImages();
    void rerunAfterKillAsksOnlyForMissingImages();
    void hang();
    void rateLimitedWithRetryAfter();
    void cancel();
    void cancelKeepsWhatWasMade();
    void garbage();
    void textOnly();
    void referencesThroughTheServer();
    void jpegIsServedAsJpeg();
    void quotaWaitFromRetryInfo();
    void quotaBeyondTheBudgetSaysWhen();
    void quotaOnTheLastAttemptSaysItGaveUp();
    void rateLimitsDoNotOpenTheBreaker();
    void unavailableIsRetried();
    void refusalsAreWordedTruthfully();
    void keyNeverLeaks();
};

void TestProviderGemini::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("GEMINI_API_KEY"), FakeGemini::key()},
                        {QStringLiteral("VESPER_GEMINI_URL"), m_fake.baseUrl()},
                        {QStringLiteral("VESPER_GEMINI_EXPECTED_SECONDS"), QStringLiteral("1")},
                        {QStringLiteral("VESPER_PROVIDER_POLL_MS"), QStringLiteral("50")},
                        {QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("100")},
                        {QStringLiteral("VESPER_JOB_MAX_ATTEMPTS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("3")},
                        {QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("1000")},
                        {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
                        {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                       &reason),
             qPrintable(reason));
}

QString TestProviderGemini::submit(const TestUser &user, int outputs, const QString &ratio, const QString &negative)
{
    QJsonObject body = generateBody(m_f.sessionFor(user), newClientId(), outputs, ratio, QStringLiteral("1024"), kModel, kPrompt);
    if (!negative.isEmpty())
        body.insert(QStringLiteral("negativePrompt"), negative);
    const Reply reply = m_f.client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    if (reply.status != 202)
        qWarning() << "generate refused:" << describe(reply);
    return reply.json.value(QStringLiteral("id")).toString();
}

QString TestProviderGemini::context(const QJsonObject &status) const
{
    return QString::fromUtf8(QJsonDocument(status).toJson(QJsonDocument::Compact)) + QStringLiteral("\n") + m_f.serverLog();
}

void TestProviderGemini::expectFailed(const TestUser &user, qint64 before, const QJsonObject &done, const QString &code)
{
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"), qPrintable(context(done)));
    const QJsonObject error = done.value(QStringLiteral("error")).toObject();
    QVERIFY2(error.value(QStringLiteral("code")).toString() == code, qPrintable(context(done)));
    const QString message = error.value(QStringLiteral("message")).toString();
    m_messages << message;
    QVERIFY2(!message.isEmpty() && !message.contains(kPrompt) && !message.contains(FakeGemini::key()), qPrintable(message));
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 0);
    QCOMPARE(m_f.credits(user), before);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

ProviderSettings TestProviderGemini::settings() const
{
    return geminiSettings(m_fake);
}

void TestProviderGemini::success()
{
    m_fake.setScenario(FakeGemini::Scenario::Success);
    m_fake.setDelayMs(0);
    const TestUser user = m_f.newUser(QStringLiteral("success"));
    const qint64 before = m_f.credits(user);
    const QString id = submit(user, 2, QStringLiteral("16:9"), QStringLiteral("blurry, text"));
    QVERIFY(!id.isEmpty());
    QCOMPARE(m_f.credits(user), before - 8); // 4 credits an image
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    for (const QJsonValue &output : outputs) {
        QCOMPARE(output.toObject().value(QStringLiteral("width")).toInt(), 1344);
        QCOMPARE(output.toObject().value(QStringLiteral("height")).toInt(), 768);
        const QString outputId = output.toObject().value(QStringLiteral("id")).toString();
        const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), user.accessToken);
        EXPECT_STATUS(full, 200);
        const QImage image = QImage::fromData(full.body);
        QCOMPARE(image.size(), QSize(1344, 768));
        QVERIFY(full.body.startsWith("\x89PNG"));
        const Reply thumb = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId), user.accessToken);
        EXPECT_STATUS(thumb, 200);
        QVERIFY(thumb.body.startsWith("RIFF") && thumb.body.mid(8, 4) == "WEBP");
    }
    QCOMPARE(m_f.credits(user), before - 8);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));

    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2); // one image a call
    QSet<qint64> seeds;
    for (const FakeGemini::Call &call : calls) {
        QCOMPARE(call.path, QStringLiteral("/v1beta/models/gemini-2.5-flash-image:generateContent"));
        QCOMPARE(call.apiKey, FakeGemini::key().toUtf8());
        QVERIFY2(call.query.isEmpty(), qPrintable(call.query)); // never ?key=
        QVERIFY(call.authorization.isEmpty());
        const QJsonArray contents = call.body.value(QStringLiteral("contents")).toArray();
        QCOMPARE(contents.size(), 1);
        QCOMPARE(contents.at(0).toObject().value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        const QJsonArray parts = contents.at(0).toObject().value(QStringLiteral("parts")).toArray();
        QCOMPARE(parts.size(), 1); // no reference images
        QCOMPARE(parts.at(0).toObject().value(QStringLiteral("text")).toString(), kPrompt + QStringLiteral("\n\nAvoid: blurry, text"));
        const QJsonObject config = call.body.value(QStringLiteral("generationConfig")).toObject();
        QCOMPARE(config.value(QStringLiteral("responseModalities")).toArray(), (QJsonArray{QStringLiteral("TEXT"), QStringLiteral("IMAGE")}));
        QCOMPARE(config.value(QStringLiteral("imageConfig")).toObject().value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("16:9"));
        seeds.insert(config.value(QStringLiteral("seed")).toInteger(-1));
    }
    QCOMPARE(seeds, (QSet<qint64>{42, 43}));
}

void TestProviderGemini::progress()
{
    m_fake.setScenario(FakeGemini::Scenario::Success);
    m_fake.setDelayMs(600);
    const TestUser user = m_f.newUser(QStringLiteral("progress"));
    const QString id = submit(user, 4);
    QElapsedTimer timer;
    timer.start();
    QList<QPair<int, bool>> seen;
    QJsonObject last;
    while (timer.elapsed() < 20000) {
        last = m_f.status(user, id);
        const QString state = last.value(QStringLiteral("status")).toString();
        if (state == QLatin1String("completed") || state == QLatin1String("failed"))
            break;
        const int percent = last.value(QStringLiteral("progress")).toInt();
        if (percent > 0 && percent < 100)
            seen.append({percent, last.value(QStringLiteral("progressIsEstimate")).toBool()});
        QThread::msleep(20);
    }
    m_fake.setDelayMs(0);
    QVERIFY2(last.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(last)));
    QCOMPARE(last.value(QStringLiteral("outputs")).toArray().size(), 4);
    QCOMPARE(last.value(QStringLiteral("progress")).toInt(), 100);
    bool estimated = false;
    for (int i = 0; i < seen.size(); ++i) {
        estimated = estimated || seen.at(i).second;
        if (i > 0)
            QVERIFY2(seen.at(i).first >= seen.at(i - 1).first, "progress went backwards");
    }
    QVERIFY2(estimated, qPrintable(QStringLiteral("%1 intermediate polls, none an estimate").arg(seen.size())));
    QCOMPARE(m_fake.calls().size(), 4);
    QCOMPARE(m_fake.maxConcurrent(), 2); // two calls side by side, never more
}

void TestProviderGemini::blockedPrompt()
{
    m_fake.setScenario(FakeGemini::Scenario::Blocked);
    const TestUser user = m_f.newUser(QStringLiteral("blocked"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    expectFailed(user, before, done, QStringLiteral("PROVIDER_ERROR"));
    QCOMPARE(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("Gemini declined the prompt (SAFETY)"));
    QCOMPARE(m_fake.calls().size(), 1); // permanent: not tried again
}

void TestProviderGemini::providerError()
{
    m_fake.setScenario(FakeGemini::Scenario::BadRequest);
    const TestUser user = m_f.newUser(QStringLiteral("refused"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 2));
    expectFailed(user, before, done, QStringLiteral("PROVIDER_ERROR"));
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("Gemini")) && message.contains(QStringLiteral("Unsupported aspect ratio")), qPrintable(message));
    QVERIFY2(m_fake.calls().size() <= 2, "a 400 is not retried"); // the second output's call may have started
}

void TestProviderGemini::serverErrorIsRetried()
{
    m_fake.setScenario(FakeGemini::Scenario::ServerErrorOnce);
    const TestUser user = m_f.newUser(QStringLiteral("retried"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).status, 500);
    QCOMPARE(calls.at(1).status, 200);
    QCOMPARE(m_f.credits(user), before - 4);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestProviderGemini::retryAsksOnlyForMissingImages()
{
    // Two outputs, two calls at once: the second fails while the first is still drawing.
    m_fake.setScenario(FakeGemini::Scenario::SecondCallFailsOnce);
    m_fake.setDelayMs(600);
    const TestUser user = m_f.newUser(QStringLiteral("kept"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 2));
    m_fake.setDelayMs(0);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));

    // The first call finished after the failure and its image was kept: the retry asked once, for
    // the output that failed (its seed), so three calls paid for two images, not four.
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 3);
    QCOMPARE(calls.at(0).status, 200);
    QCOMPARE(calls.at(1).status, 500);
    QCOMPARE(calls.at(2).status, 200);
    QVERIFY2(calls.at(0).answerAtMs > calls.at(1).answerAtMs, "the failure came while the first call was running");
    const auto seedOf = [](const FakeGemini::Call &call) {
        return call.body.value(QStringLiteral("generationConfig")).toObject().value(QStringLiteral("seed")).toInteger();
    };
    QCOMPARE(seedOf(calls.at(2)), seedOf(calls.at(1)));
    QVERIFY(seedOf(calls.at(0)) != seedOf(calls.at(1)));

    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    QSet<QByteArray> pictures;
    for (const QJsonValue &output : outputs) {
        const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(output.toObject().value(QStringLiteral("id")).toString()),
                                           user.accessToken);
        EXPECT_STATUS(full, 200);
        QVERIFY(!QImage::fromData(full.body).isNull());
        pictures.insert(full.body);
    }
    QCOMPARE(pictures.size(), 2); // one picture per seed, none stored twice
    QCOMPARE(m_f.credits(user), before - 8);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestProviderGemini::rerunAfterKillAsksOnlyForMissingImages()
{
    // Its own server with short leases, so the rerun after kill -9 comes within seconds.
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("GEMINI_API_KEY"), FakeGemini::key()},
                      {QStringLiteral("VESPER_GEMINI_URL"), m_fake.baseUrl()},
                      {QStringLiteral("VESPER_JOB_LEASE_SECONDS"), QStringLiteral("2")},
                      {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("60")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                     &error),
             qPrintable(error));
    m_fake.setScenario(FakeGemini::Scenario::SecondCallHangs);
    m_fake.setDelayMs(0);
    const TestUser user = f.owner;
    const qint64 before = f.credits(user);
    const Reply accepted = f.client->post(QStringLiteral("/api/generate"),
                                          generateBody(f.sessionId, newClientId(), 2, QStringLiteral("1:1"), QStringLiteral("1024"), kModel, kPrompt),
                                          user.accessToken);
    EXPECT_STATUS(accepted, 202);
    const QString id = accepted.json.value(QStringLiteral("id")).toString();

    // One image arrived and was kept; the other call hangs. The process dies now.
    const QDir folder(f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(user.id, id));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 15000 && folder.entryList({QStringLiteral("?.png")}, QDir::Files).isEmpty())
        QThread::msleep(20);
    QCOMPARE(folder.entryList({QStringLiteral("?.png")}, QDir::Files).size(), 1);
    const QList<FakeGemini::Call> first = m_fake.calls();
    QCOMPARE(first.size(), 2);
    f.server->kill();

    m_fake.setScenario(FakeGemini::Scenario::Success);
    QVERIFY2(f.server->start(&error), qPrintable(error));
    f.client = std::make_unique<TestClient>(f.server->baseUrl());
    const QJsonObject done = f.waitFinished(user, id, 30000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(QJsonDocument(done).toJson() + f.serverLog()));
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 2);

    // The rerun asked once, for the output whose call hung (its seed), not for the kept one.
    const QList<FakeGemini::Call> after = m_fake.calls();
    QCOMPARE(after.size(), 1);
    const auto seedOf = [](const FakeGemini::Call &call) {
        return call.body.value(QStringLiteral("generationConfig")).toObject().value(QStringLiteral("seed")).toInteger();
    };
    QCOMPARE(seedOf(after.at(0)), seedOf(first.at(1)));
    QStringList files = folder.entryList(QDir::Files, QDir::Name);
    QCOMPARE(files, (QStringList{QStringLiteral("0.png"), QStringLiteral("0.thumb.webp"), QStringLiteral("1.png"), QStringLiteral("1.thumb.webp")}));
    QCOMPARE(f.credits(user), before - 8);
    QCOMPARE(f.ledger(user), f.credits(user));
}

void TestProviderGemini::hang()
{
    m_fake.setScenario(FakeGemini::Scenario::Hang);
    const TestUser user = m_f.newUser(QStringLiteral("hang"));
    const qint64 before = m_f.credits(user);
    QElapsedTimer timer;
    timer.start();
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    QVERIFY2(timer.elapsed() < 20000, qPrintable(QString::number(timer.elapsed())));
    expectFailed(user, before, done, QStringLiteral("TIMEOUT"));
    QCOMPARE(m_fake.calls().size(), 2); // both attempts went out
}

void TestProviderGemini::rateLimitedWithRetryAfter()
{
    m_fake.setScenario(FakeGemini::Scenario::RateLimitedOnce);
    const TestUser user = m_f.newUser(QStringLiteral("limited"));
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).status, 429);
    const qint64 gap = calls.at(1).atMs - calls.at(0).answerAtMs;
    QVERIFY2(gap >= 950, qPrintable(QStringLiteral("retried %1 ms after the 429").arg(gap)));
}

void TestProviderGemini::cancel()
{
    m_fake.setScenario(FakeGemini::Scenario::Hang);
    const TestUser user = m_f.newUser(QStringLiteral("cancel"));
    const qint64 before = m_f.credits(user);
    const QString id = submit(user, 4);
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000 && m_fake.calls().size() < 2)
        QThread::msleep(20);
    QCOMPARE(m_fake.calls().size(), 2); // two calls waiting
    const Reply reply = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, user.accessToken);
    EXPECT_STATUS(reply, 200);
    timer.restart();
    const QJsonObject done = m_f.waitFinished(user, id, 10000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("cancelled"), qPrintable(context(done)));
    QVERIFY2(timer.elapsed() < 2500, qPrintable(QStringLiteral("cancelled after %1 ms").arg(timer.elapsed())));
    QCOMPARE(m_f.credits(user), before);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
    QThread::msleep(300);
    QCOMPARE(m_fake.calls().size(), 2); // the remaining outputs were never asked for
}

void TestProviderGemini::cancelKeepsWhatWasMade()
{
    // Two outputs: the first image arrives, the second call hangs; the creator cancels.
    m_fake.setScenario(FakeGemini::Scenario::SecondCallHangs);
    m_fake.setDelayMs(0);
    const TestUser user = m_f.newUser(QStringLiteral("cancel-kept"));
    const qint64 before = m_f.credits(user);
    const QString id = submit(user, 2);
    const QDir folder(m_f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(user.id, id));
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 10000 && folder.entryList({QStringLiteral("?.png")}, QDir::Files).isEmpty())
        QThread::msleep(20);
    QCOMPARE(folder.entryList({QStringLiteral("?.png")}, QDir::Files).size(), 1);
    const Reply reply = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, user.accessToken);
    EXPECT_STATUS(reply, 200);

    // Cancelled, with the image that was made; only the other one is refunded.
    const QJsonObject done = m_f.waitFinished(user, id, 10000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("cancelled"), qPrintable(context(done)));
    QVERIFY2(done.value(QStringLiteral("progress")).toInt() < 100, qPrintable(context(done)));
    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 1);
    const QString outputId = outputs.at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), user.accessToken);
    EXPECT_STATUS(full, 200);
    QVERIFY(!QImage::fromData(full.body).isNull());
    EXPECT_STATUS(m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId), user.accessToken), 200);
    QCOMPARE(m_f.credits(user), before - 4);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
    QCOMPARE(folder.entryList(QDir::Files).size(), 2); // the original and its thumbnail, nothing else
    QCOMPARE(m_fake.calls().size(), 2);
}

void TestProviderGemini::garbage()
{
    for (const auto scenario : {FakeGemini::Scenario::NotJson, FakeGemini::Scenario::BadImage}) {
        m_fake.setScenario(scenario);
        const TestUser user = m_f.newUser(QStringLiteral("garbage"));
        const qint64 before = m_f.credits(user);
        const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
        expectFailed(user, before, done, QStringLiteral("BAD_RESPONSE"));
        QCOMPARE(m_fake.calls().size(), 1);
    }
}

void TestProviderGemini::textOnly()
{
    m_fake.setScenario(FakeGemini::Scenario::TextOnly);
    const TestUser user = m_f.newUser(QStringLiteral("text"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    expectFailed(user, before, done, QStringLiteral("PROVIDER_ERROR"));
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("no image")) && !message.contains(QStringLiteral("describe it")), qPrintable(message));
}

void TestProviderGemini::referencesThroughTheServer()
{
    // Two uploads named in the request reach Gemini as inline_data parts, in order, as stored.
    m_fake.setScenario(FakeGemini::Scenario::Success);
    const TestUser user = m_f.newUser(QStringLiteral("references"));
    QStringList uploads;
    for (const QColor colour : {QColor(Qt::red), QColor(Qt::blue)}) {
        const Reply upload = m_f.client->send("POST", QStringLiteral("/api/uploads"), encoded(QSize(40, 30), colour, "png"),
                                              user.accessToken, {{"Content-Type", "image/png"}});
        QCOMPARE_EQ(upload.status, 201);
        uploads << upload.json.value(QStringLiteral("id")).toString();
    }
    QJsonObject body = generateBody(m_f.sessionFor(user), newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("1024"), kModel, kPrompt);
    QJsonObject parameters = body.value(QStringLiteral("parameters")).toObject();
    parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray::fromStringList(uploads));
    body.insert(QStringLiteral("parameters"), parameters);
    const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    QCOMPARE_EQ(accepted.status, 202);
    const QJsonObject done = m_f.waitFinished(user, accepted.json.value(QStringLiteral("id")).toString());
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 1);
    const QJsonArray parts = calls.at(0).body.value(QStringLiteral("contents")).toArray().at(0).toObject().value(QStringLiteral("parts")).toArray();
    QCOMPARE(parts.size(), 3);
    for (int i = 0; i < 2; ++i) {
        const QJsonObject inlineData = parts.at(i + 1).toObject().value(QStringLiteral("inline_data")).toObject();
        QCOMPARE(inlineData.value(QStringLiteral("mime_type")).toString(), QStringLiteral("image/png"));
        const QByteArray sent = QByteArray::fromBase64(inlineData.value(QStringLiteral("data")).toString().toLatin1());
        QFile stored(m_f.server->dataDir() + QStringLiteral("/storage/%1/uploads/%2.png").arg(user.id, uploads.at(i)));
        QVERIFY(stored.open(QIODevice::ReadOnly));
        QCOMPARE(sent, stored.readAll());
    }
}

void TestProviderGemini::jpegIsServedAsJpeg()
{
    m_fake.setScenario(FakeGemini::Scenario::SuccessJpeg);
    const TestUser user = m_f.newUser(QStringLiteral("jpeg"));
    const QString id = submit(user, 1);
    const QJsonObject done = m_f.waitFinished(user, id);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QString outputId = done.value(QStringLiteral("outputs")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    const Reply full = m_f.client->get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId), user.accessToken);
    QCOMPARE_EQ(full.status, 200);
    QCOMPARE(full.headers.value("content-type"), QByteArray("image/jpeg"));
    QVERIFY(full.body.startsWith("\xff\xd8"));
    QVERIFY(QFile::exists(m_f.server->dataDir() + QStringLiteral("/storage/%1/%2/0.jpg").arg(user.id, id)));
}

void TestProviderGemini::quotaWaitFromRetryInfo()
{
    // The wait is only in error.details (RetryInfo "2s"), not in Retry-After: it is honoured.
    m_fake.setScenario(FakeGemini::Scenario::QuotaRetryOnce);
    const TestUser user = m_f.newUser(QStringLiteral("quota-wait"));
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).status, 429);
    const qint64 gap = calls.at(1).atMs - calls.at(0).answerAtMs;
    QVERIFY2(gap >= 1950, qPrintable(QStringLiteral("retried %1 ms after the 429").arg(gap)));
}

void TestProviderGemini::quotaBeyondTheBudgetSaysWhen()
{
    // RetryInfo asks for 38.4 s, more than the job may take (3 s here): no hopeless retries, a clear wait.
    m_fake.setScenario(FakeGemini::Scenario::QuotaExhausted);
    const TestUser user = m_f.newUser(QStringLiteral("quota-out"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    expectFailed(user, before, done, QStringLiteral("RATE_LIMITED"));
    QCOMPARE(done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString(),
             QStringLiteral("Gemini's quota is used up for now: retry in 39 s"));
    QCOMPARE(m_fake.calls().size(), 1);
}

void TestProviderGemini::quotaOnTheLastAttemptSaysItGaveUp()
{
    // RetryInfo asks for 1 s on every call: the wait is honoured, and when the last attempt (of 2)
    // is rate limited too the message says it gave up, not that a retry is coming.
    m_fake.setScenario(FakeGemini::Scenario::QuotaAlways);
    const TestUser user = m_f.newUser(QStringLiteral("quota-last"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    expectFailed(user, before, done, QStringLiteral("RATE_LIMITED"));
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QCOMPARE(message, QStringLiteral("Gemini's quota is used up for now (it asked for a 1 s wait); gave up after 2 attempts"));
    QVERIFY2(!message.contains(QStringLiteral("retrying")), qPrintable(message));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    QVERIFY2(calls.at(1).atMs - calls.at(0).answerAtMs >= 950, qPrintable(QString::number(calls.at(1).atMs - calls.at(0).answerAtMs)));
}

void TestProviderGemini::rateLimitsDoNotOpenTheBreaker()
{
    // A breaker that opens after one transient failure for 30 s: a 429 must not be that failure, or
    // the retry would wait the cooldown instead of the 2 s Gemini asked for.
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("GEMINI_API_KEY"), FakeGemini::key()},
                      {QStringLiteral("VESPER_GEMINI_URL"), m_fake.baseUrl()},
                      {QStringLiteral("VESPER_JOB_BACKOFF_MS"), QStringLiteral("100")},
                      {QStringLiteral("VESPER_PROVIDER_TIMEOUT_SECONDS"), QStringLiteral("20")},
                      {QStringLiteral("VESPER_BREAKER_FAILURES"), QStringLiteral("1")},
                      {QStringLiteral("VESPER_BREAKER_COOLDOWN_SECONDS"), QStringLiteral("30")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                     &error),
             qPrintable(error));
    m_fake.setScenario(FakeGemini::Scenario::QuotaRetryOnce);
    const Reply accepted = f.client->post(QStringLiteral("/api/generate"),
                                          generateBody(f.sessionId, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("1024"), kModel, kPrompt),
                                          f.owner.accessToken);
    EXPECT_STATUS(accepted, 202);
    const QJsonObject done = f.waitFinished(f.owner, accepted.json.value(QStringLiteral("id")).toString(), 25000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(QJsonDocument(done).toJson() + f.serverLog()));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    const qint64 gap = calls.at(1).atMs - calls.at(0).answerAtMs;
    QVERIFY2(gap >= 1950 && gap < 10000, qPrintable(QStringLiteral("retried %1 ms after the 429").arg(gap)));
}

void TestProviderGemini::unavailableIsRetried()
{
    m_fake.setScenario(FakeGemini::Scenario::UnavailableOnce);
    const TestUser user = m_f.newUser(QStringLiteral("overloaded"));
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"), qPrintable(context(done)));
    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 2);
    QCOMPARE(calls.at(0).status, 503);
    QCOMPARE(calls.at(1).status, 200);
}

void TestProviderGemini::refusalsAreWordedTruthfully()
{
    GeminiProvider provider(settings());
    GenerationRequest request;
    request.prompt = kPrompt;
    TimedSink sink;
    m_fake.setScenario(FakeGemini::Scenario::NoImage);
    ProviderResult result = provider.generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QCOMPARE(result.errorMessage, QStringLiteral("Gemini answered without making an image (NO_IMAGE); rephrasing the prompt may help: "
                                                 "The model did not generate an image for this request."));
    m_fake.setScenario(FakeGemini::Scenario::ProhibitedContent);
    result = provider.generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QCOMPARE(result.errorMessage, QStringLiteral("Gemini declined the prompt (PROHIBITED_CONTENT)"));

    // Through the server: IMAGE_SAFETY is a withheld picture, not a declined prompt, with Google's words.
    m_fake.setScenario(FakeGemini::Scenario::ImageSafety);
    const TestUser user = m_f.newUser(QStringLiteral("image-safety"));
    const qint64 before = m_f.credits(user);
    const QJsonObject done = m_f.waitFinished(user, submit(user, 1));
    expectFailed(user, before, done, QStringLiteral("PROVIDER_ERROR"));
    const QString message = done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QStringLiteral("withheld")) && message.contains(QStringLiteral("(IMAGE_SAFETY)"))
                 && message.contains(QStringLiteral("You will not be charged for blocked images")) && !message.contains(QStringLiteral("declined")),
             qPrintable(message));
}

void TestProviderGemini::keyNeverLeaks()
{
    QFile log(m_f.server->dataDir() + QStringLiteral("/server.stderr.log"));
    QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(log.fileName()));
    const QByteArray text = log.readAll();
    QVERIFY2(text.contains("gemini"), "the provider logged nothing"); // the log is the right one
    QVERIFY(!text.contains(FakeGemini::key().toUtf8()));
    QVERIFY(!text.contains(kPrompt.toUtf8()));
    QVERIFY(m_messages.size() >= 6);
    for (const QString &message : std::as_const(m_messages))
        QVERIFY2(!message.contains(FakeGemini::key()), qPrintable(message));
}

QTEST_GUILESS_MAIN(TestProviderGemini)
#include "tst_provider_gemini.moc"
