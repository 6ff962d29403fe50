// The generation pipeline through the HTTP API on the built-in sketch provider: accept in
// milliseconds, run in the background, files with thumbnails and caching, credits that always
// balance, idempotency under concurrency, cancel, delete, visibility of files, bad input, and a
// server killed with jobs in flight.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>
#include <QUuid>

using namespace vesper::test;

class TestApiGenerate : public QObject {
    Q_OBJECT

private:
    GenerationFixture m_f;

private Q_SLOTS:
    void initTestCase();
    void lifecycle();
    void sameClientIdTwice();
    void sameClientIdConcurrently();
    void cancelWhileRunning();
    void badInput();
    void queuedCancelCreditsAndRateLimit();
    void killWithJobsInFlight();
    void claimUsesIndex();
    void failureRetriesThenRefunds();
};

void TestApiGenerate::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")},
                        {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=2")},
                        {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")},
                        {QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")}},
                       &reason),
             qPrintable(reason));
}

void TestApiGenerate::lifecycle()
{
    const TestUser &owner = m_f.owner;
    TestClient &api = *m_f.client;
    const qint64 before = m_f.credits(owner);
    QElapsedTimer timer;
    timer.start();
    const Reply accepted = api.post(QStringLiteral("/api/generate"),
                                    generateBody(m_f.sessionId, newClientId(), 2, QStringLiteral("16:9"), QStringLiteral("512")),
                                    owner.accessToken);
    const qint64 acceptMs = timer.elapsed();
    EXPECT_STATUS(accepted, 202);
    QVERIFY2(acceptMs < 500, qPrintable(QStringLiteral("accepting took %1 ms").arg(acceptMs)));
    const QString id = accepted.json.value(QStringLiteral("id")).toString();
    QCOMPARE(accepted.json.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
    QCOMPARE(m_f.credits(owner), before - 4);

    const QJsonObject done = m_f.waitFinished(owner, id);
    QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    QCOMPARE(done.value(QStringLiteral("progress")).toInt(), 100);
    const QJsonArray outputs = done.value(QStringLiteral("outputs")).toArray();
    QCOMPARE(outputs.size(), 2);
    for (const QJsonValue &output : outputs) {
        QCOMPARE(output.toObject().value(QStringLiteral("width")).toInt(), 512);
        QCOMPARE(output.toObject().value(QStringLiteral("height")).toInt(), 288);
    }
    const QString outputId = outputs.at(0).toObject().value(QStringLiteral("id")).toString();
    const QString fileUrl = QStringLiteral("/api/outputs/%1/file?variant=full").arg(outputId);
    const QString thumbUrl = QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId);

    const Reply full = api.get(fileUrl, owner.accessToken);
    EXPECT_STATUS(full, 200);
    QVERIFY(full.body.startsWith("\x89PNG\r\n\x1a\n"));
    QCOMPARE(full.headers.value("content-type"), QByteArray("image/png"));
    // Streamed from the file in blocks: every byte arrives, and they are the bytes that were stored.
    QCOMPARE(qint64(full.body.size()), m_f.data->scalar(QStringLiteral("SELECT bytes FROM outputs WHERE id = '%1'").arg(outputId)).toLongLong());
    QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(full.body, QCryptographicHash::Sha256).toHex()),
             m_f.data->scalar(QStringLiteral("SELECT sha256 FROM outputs WHERE id = '%1'").arg(outputId)).toString());
    QCOMPARE(full.headers.value("content-length").toLongLong(), qint64(full.body.size()));
    // HEAD is GET without the body.
    const Reply head = api.send("HEAD", fileUrl, {}, owner.accessToken);
    EXPECT_STATUS(head, 200);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.headers.value("content-length").toLongLong(), qint64(full.body.size()));
    QCOMPARE(head.headers.value("etag"), full.headers.value("etag"));
    const QByteArray etag = full.headers.value("etag");
    QVERIFY(!etag.isEmpty());
    QVERIFY(full.headers.value("cache-control").contains("private"));
    QVERIFY(full.headers.value("cache-control").contains("immutable"));
    const Reply thumb = api.get(thumbUrl, owner.accessToken);
    EXPECT_STATUS(thumb, 200);
    QVERIFY(thumb.body.startsWith("RIFF") && thumb.body.mid(8, 4) == "WEBP");
    QCOMPARE(thumb.headers.value("content-type"), QByteArray("image/webp"));
    QVERIFY(thumb.headers.value("etag") != etag);
    const Reply cached = api.send("GET", fileUrl, {}, owner.accessToken, {{"If-None-Match", etag}});
    EXPECT_STATUS(cached, 304);
    QVERIFY(cached.body.isEmpty());
    EXPECT_STATUS(api.send("GET", fileUrl, {}, owner.accessToken, {{"If-None-Match", "\"other\""}}), 200);

    const Reply detail = api.get(QStringLiteral("/api/generations/") + id, owner.accessToken);
    EXPECT_STATUS(detail, 200);
    QCOMPARE(detail.json.value(QStringLiteral("outputs")).toArray().size(), 2);
    QCOMPARE(m_f.ledger(owner), m_f.credits(owner));

    // Completion reached the read model and the feed in its transaction.
    const QString thumbnail = api.get(QStringLiteral("/api/projects/") + m_f.projectId, owner.accessToken)
                                  .json.value(QStringLiteral("thumbnailUrl")).toString();
    QVERIFY2(thumbnail.contains(outputId) || thumbnail.contains(outputs.at(1).toObject().value(QStringLiteral("id")).toString()),
             qPrintable(thumbnail));
    const QJsonArray changes = api.get(QStringLiteral("/api/changes?since=0&limit=1000"), owner.accessToken)
                                   .json.value(QStringLiteral("changes")).toArray();
    int outputUpserts = 0;
    bool completedSeen = false;
    for (const QJsonValue &change : changes) {
        const QJsonObject c = change.toObject();
        const QJsonObject data = c.value(QStringLiteral("data")).toObject();
        if (c.value(QStringLiteral("kind")).toString() == QLatin1String("output") && data.value(QStringLiteral("generationId")).toString() == id)
            ++outputUpserts;
        if (c.value(QStringLiteral("kind")).toString() == QLatin1String("generation") && c.value(QStringLiteral("id")).toString() == id)
            completedSeen = data.value(QStringLiteral("status")).toString() == QLatin1String("completed");
    }
    QCOMPARE(outputUpserts, 2);
    QVERIFY(completedSeen);

    const QString folder = m_f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(owner.id, id);
    for (const char *name : {"0.png", "0.thumb.webp", "1.png", "1.thumb.webp"})
        QVERIFY2(QFile::exists(folder + QLatin1Char('/') + QLatin1String(name)), name);

    // The pipeline's metrics: a run timed for sketch, the queue depth, the breaker closed.
    const QByteArray metrics = api.get(QStringLiteral("/metrics")).body;
    const QRegularExpression durations(QStringLiteral(R"(vesper_job_duration_seconds_count\{provider="sketch"\} ([0-9]+))"));
    const QRegularExpressionMatch runs = durations.match(QString::fromUtf8(metrics));
    QVERIFY2(runs.hasMatch() && runs.captured(1).toInt() >= 1, metrics.constData());
    QVERIFY2(metrics.contains("vesper_queue_depth "), metrics.constData());
    QVERIFY2(metrics.contains("vesper_provider_breaker_open{provider=\"sketch\"} 0"), metrics.constData());
    if (m_f.server->dbUrl().startsWith(QLatin1String("sqlite:"))) {
        // SQLite's WAL is checkpointed in the background (walcheckpointer.h), within a second of quiet.
        QTRY_VERIFY_WITH_TIMEOUT(api.get(QStringLiteral("/metrics")).body.contains("vesper_sqlite_checkpoints_total{kind=\"free\"}"), 5000);
        QVERIFY(api.get(QStringLiteral("/metrics")).body.contains("vesper_sqlite_wal_frames "));
    }

    // Visibility: a stranger sees nothing; a viewer reads but cannot change; a private session hides its files.
    const TestUser stranger = m_f.newUser(QStringLiteral("stranger"));
    EXPECT_STATUS(api.get(fileUrl, stranger.accessToken), 404);
    EXPECT_STATUS(api.get(thumbUrl, stranger.accessToken), 404);
    EXPECT_STATUS(api.get(QStringLiteral("/api/generations/") + id, stranger.accessToken), 404);
    EXPECT_STATUS(api.send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(id), {}, stranger.accessToken), 404);
    EXPECT_STATUS(api.del(QStringLiteral("/api/generations/") + id, stranger.accessToken), 404);
    const Reply hidden = api.post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{id}}}, stranger.accessToken);
    EXPECT_STATUS(hidden, 200);
    QVERIFY(hidden.data().isEmpty());
    EXPECT_STATUS(api.post(QStringLiteral("/api/generate"), generateBody(m_f.sessionId, newClientId()), stranger.accessToken), 404);

    const TestUser viewer = m_f.newUser(QStringLiteral("viewer"));
    EXPECT_STATUS(addMember(api, owner, m_f.projectId, viewer, QStringLiteral("viewer")), 200);
    EXPECT_STATUS(api.get(fileUrl, viewer.accessToken), 200);
    EXPECT_STATUS(api.patch(QStringLiteral("/api/outputs/") + outputId, {{QStringLiteral("isStarred"), true}}, viewer.accessToken), 403);
    EXPECT_STATUS(api.del(QStringLiteral("/api/outputs/") + outputId, viewer.accessToken), 403);
    EXPECT_STATUS(api.post(QStringLiteral("/api/generate"), generateBody(m_f.sessionId, newClientId()), viewer.accessToken), 403);

    const Reply privateSession = api.post(QStringLiteral("/api/sessions"),
                                          {{QStringLiteral("projectId"), m_f.projectId}, {QStringLiteral("name"), QStringLiteral("Secret")},
                                           {QStringLiteral("isPrivate"), true}}, owner.accessToken);
    EXPECT_STATUS(privateSession, 201);
    const Reply secret = api.post(QStringLiteral("/api/generate"),
                                  generateBody(privateSession.json.value(QStringLiteral("id")).toString(), newClientId()), owner.accessToken);
    EXPECT_STATUS(secret, 202);
    const QJsonObject secretDone = m_f.waitFinished(owner, secret.json.value(QStringLiteral("id")).toString());
    QCOMPARE(secretDone.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    const QString secretOutput = secretDone.value(QStringLiteral("outputs")).toArray().at(0).toObject().value(QStringLiteral("id")).toString();
    EXPECT_STATUS(api.get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(secretOutput), owner.accessToken), 200);
    EXPECT_STATUS(api.get(QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(secretOutput), viewer.accessToken), 404);

    // Star, delete one output, then the whole generation with its files.
    const Reply starred = api.patch(QStringLiteral("/api/outputs/") + outputId, {{QStringLiteral("isStarred"), true}}, owner.accessToken);
    EXPECT_STATUS(starred, 200);
    QVERIFY(starred.json.value(QStringLiteral("isStarred")).toBool());
    const QString secondOutput = outputs.at(1).toObject().value(QStringLiteral("id")).toString();
    EXPECT_STATUS(api.del(QStringLiteral("/api/outputs/") + secondOutput, owner.accessToken), 204);
    QVERIFY(!QFile::exists(folder + QStringLiteral("/1.png")));
    QVERIFY(!QFile::exists(folder + QStringLiteral("/1.thumb.webp")));
    EXPECT_STATUS(api.get(QStringLiteral("/api/outputs/%1/file?variant=full").arg(secondOutput), owner.accessToken), 404);
    QCOMPARE(api.get(QStringLiteral("/api/generations/") + id, owner.accessToken).json.value(QStringLiteral("outputs")).toArray().size(), 1);

    const qint64 beforeDelete = m_f.credits(owner);
    EXPECT_STATUS(api.del(QStringLiteral("/api/generations/") + id, owner.accessToken), 204);
    EXPECT_STATUS(api.get(QStringLiteral("/api/generations/") + id, owner.accessToken), 404);
    EXPECT_STATUS(api.get(fileUrl, owner.accessToken), 404);
    QVERIFY(!QFile::exists(folder + QStringLiteral("/0.png")));
    QVERIFY(!QDir(folder).exists() || QDir(folder).isEmpty());
    QCOMPARE(m_f.credits(owner), beforeDelete); // a finished generation's credits were spent
    QCOMPARE(m_f.ledger(owner), m_f.credits(owner));
    // The feed tells the owner about the deletion.
    const QVariant tombstones = m_f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE id = ? AND kind = 'generation'"), {id});
    QVERIFY(tombstones.toInt() >= 2); // the owner and the viewer
}

void TestApiGenerate::sameClientIdTwice()
{
    const TestUser user = m_f.newUser(QStringLiteral("twice"));
    const QString session = m_f.sessionFor(user);
    const qint64 before = m_f.credits(user);
    const QJsonObject body = generateBody(session, newClientId(), 3);
    const Reply first = m_f.client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    EXPECT_STATUS(first, 202);
    const Reply second = m_f.client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    QVERIFY2(second.status == 200 || second.status == 202, qPrintable(describe(second)));
    QCOMPARE(second.json.value(QStringLiteral("id")).toString(), first.json.value(QStringLiteral("id")).toString());
    QCOMPARE(second.json.value(QStringLiteral("clientId")).toString(), body.value(QStringLiteral("clientId")).toString());
    QCOMPARE(m_f.credits(user), before - 6);
    QCOMPARE(m_f.waitFinished(user, first.json.value(QStringLiteral("id")).toString()).value(QStringLiteral("status")).toString(),
             QStringLiteral("completed"));
    // Sent again after it finished: still the same generation, still no charge.
    const Reply third = m_f.client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    QCOMPARE(third.json.value(QStringLiteral("id")).toString(), first.json.value(QStringLiteral("id")).toString());
    QCOMPARE(m_f.credits(user), before - 6);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestApiGenerate::sameClientIdConcurrently()
{
    const TestUser user = m_f.newUser(QStringLiteral("race"));
    const QString session = m_f.sessionFor(user);
    const qint64 before = m_f.credits(user);
    const QJsonObject body = generateBody(session, newClientId(), 1);
    constexpr int kThreads = 20;
    QList<Reply> replies(kThreads);
    QList<QThread *> threads;
    QAtomicInt ready(0);
    for (int i = 0; i < kThreads; ++i) {
        threads.append(QThread::create([&, i] {
            TestClient client(m_f.server->baseUrl());
            ready.fetchAndAddOrdered(1);
            while (ready.loadAcquire() < kThreads)
                QThread::yieldCurrentThread();
            replies[i] = client.post(QStringLiteral("/api/generate"), body, user.accessToken);
        }));
        threads.last()->start();
    }
    for (QThread *thread : threads) {
        QVERIFY(thread->wait(60000));
        delete thread;
    }
    QSet<QString> ids;
    int accepted = 0;
    for (const Reply &reply : std::as_const(replies)) {
        QVERIFY2(reply.status == 200 || reply.status == 202, qPrintable(describe(reply)));
        accepted += reply.status == 202;
        ids.insert(reply.json.value(QStringLiteral("id")).toString());
    }
    QCOMPARE(ids.size(), 1);
    QCOMPARE(accepted, 1);
    QCOMPARE(m_f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ?"), {user.id}).toInt(), 1);
    QCOMPARE(m_f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM credit_ledger WHERE user_id = ? AND reason = 'generation'"),
                              {user.id}).toInt(), 1);
    QCOMPARE(m_f.credits(user), before - 2);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestApiGenerate::cancelWhileRunning()
{
    const TestUser user = m_f.newUser(QStringLiteral("cancel"));
    const QString session = m_f.sessionFor(user);
    const qint64 before = m_f.credits(user);
    QStringList ids;
    for (int i = 0; i < 8; ++i) {
        const Reply reply = m_f.client->post(QStringLiteral("/api/generate"),
                                             generateBody(session, newClientId(), 4, QStringLiteral("1:1"), QStringLiteral("1024")),
                                             user.accessToken);
        EXPECT_STATUS(reply, 202);
        ids << reply.json.value(QStringLiteral("id")).toString();
    }
    // One while it runs: the worker sees the request and ends it as cancelled (unless it finished first).
    QElapsedTimer timer;
    timer.start();
    QString seen;
    while (timer.elapsed() < 20000 && seen != QLatin1String("processing") && seen != QLatin1String("completed")) {
        const Reply reply = m_f.client->post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{ids.at(2)}}},
                                             user.accessToken);
        seen = reply.data().first().toObject().value(QStringLiteral("status")).toString();
    }
    const Reply running = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(ids.at(2)), {}, user.accessToken);
    QVERIFY2(running.status == 200 || running.status == 409, qPrintable(describe(running)));
    // Cancel the newest first: those are still queued; older ones may be running or done.
    for (auto it = ids.crbegin(); it != ids.crend(); ++it) {
        const Reply reply = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(*it), {}, user.accessToken);
        QVERIFY2(reply.status == 200 || reply.status == 409, qPrintable(describe(reply)));
    }
    int completed = 0, cancelled = 0;
    for (const QString &id : std::as_const(ids)) {
        const QJsonObject done = m_f.waitFinished(user, id);
        const QString status = done.value(QStringLiteral("status")).toString();
        QVERIFY2(status == QLatin1String("completed") || status == QLatin1String("cancelled"), qPrintable(status));
        if (status == QLatin1String("completed")) {
            ++completed;
            QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 4);
        } else {
            ++cancelled;
            QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 0);
            const QDir folder(m_f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(user.id, id));
            QVERIFY2(!folder.exists() || folder.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                     qPrintable(folder.entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).join(QLatin1Char(' '))));
        }
    }
    qInfo("cancel: %d completed, %d cancelled; the one cancelled while %s ended %s", completed, cancelled, qPrintable(seen),
          qPrintable(m_f.waitFinished(user, ids.at(2)).value(QStringLiteral("status")).toString()));
    QVERIFY(cancelled >= 1);
    QCOMPARE(m_f.credits(user), before - 8 * completed);
    QCOMPARE(m_f.ledger(user), m_f.credits(user));
}

void TestApiGenerate::badInput()
{
    const TestUser &owner = m_f.owner;
    TestClient &api = *m_f.client;
    auto expect400 = [&](const QJsonObject &body, const char *what) {
        const Reply reply = api.post(QStringLiteral("/api/generate"), body, owner.accessToken);
        QVERIFY2(reply.status == 400 && reply.code() == QLatin1String("VALIDATION_ERROR"), qPrintable(what + QStringLiteral(": ") + describe(reply)));
    };
    const QJsonObject good = generateBody(m_f.sessionId, newClientId());
    auto with = [&](const QString &key, const QJsonValue &value) {
        QJsonObject body = good;
        body.insert(key, value);
        return body;
    };
    auto withParameter = [&](const QString &key, const QJsonValue &value) {
        QJsonObject parameters = good.value(QStringLiteral("parameters")).toObject();
        parameters.insert(key, value);
        return with(QStringLiteral("parameters"), parameters);
    };
    expect400(with(QStringLiteral("modelId"), QStringLiteral("no-such-model")), "unknown model");
    expect400(with(QStringLiteral("modelId"), QStringLiteral("a1111-sd")), "unavailable model");
    expect400(withParameter(QStringLiteral("numOutputs"), 5), "too many outputs");
    expect400(withParameter(QStringLiteral("numOutputs"), 0), "no outputs");
    expect400(withParameter(QStringLiteral("numOutputs"), 1.5), "fractional outputs");
    expect400(withParameter(QStringLiteral("numOutputs"), QStringLiteral("2")), "outputs as text");
    expect400(withParameter(QStringLiteral("aspectRatio"), QStringLiteral("2:1")), "aspect ratio");
    expect400(withParameter(QStringLiteral("resolution"), QStringLiteral("2048")), "resolution");
    expect400(withParameter(QStringLiteral("seed"), -1), "negative seed");
    expect400(with(QStringLiteral("prompt"), QString(4001, QLatin1Char('a'))), "prompt over the limit");
    expect400(with(QStringLiteral("prompt"), QString()), "empty prompt");
    expect400(with(QStringLiteral("sessionId"), QStringLiteral("../../etc/passwd")), "../ session");
    expect400(with(QStringLiteral("clientId"), QString(101, QLatin1Char('c'))), "long clientId");
    expect400(with(QStringLiteral("parameters"), QStringLiteral("x")), "parameters not an object");
    QJsonObject noClient = good;
    noClient.remove(QStringLiteral("clientId"));
    expect400(noClient, "missing clientId");
    EXPECT_STATUS(api.post(QStringLiteral("/api/generate"), with(QStringLiteral("sessionId"), QUuid::createUuid().toString(QUuid::WithoutBraces)),
                           owner.accessToken), 404);
    EXPECT_STATUS(api.post(QStringLiteral("/api/generate"), with(QStringLiteral("prompt"), QString(4000, QLatin1Char('a'))), owner.accessToken), 202);

    auto status = [&](const QJsonValue &ids) {
        return api.post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), ids}}, owner.accessToken);
    };
    EXPECT_STATUS(status(QJsonArray{QStringLiteral("../../etc/passwd")}), 400);
    EXPECT_STATUS(status(QStringLiteral("x")), 400);
    QJsonArray tooMany;
    for (int i = 0; i < 101; ++i)
        tooMany.append(QUuid::createUuid().toString(QUuid::WithoutBraces));
    EXPECT_STATUS(status(tooMany), 400);
    const Reply unknown = status(QJsonArray{QUuid::createUuid().toString(QUuid::WithoutBraces)});
    EXPECT_STATUS(unknown, 200);
    QVERIFY(unknown.data().isEmpty());
    EXPECT_STATUS(api.get(QStringLiteral("/api/generations/..%2F..%2Fetc%2Fpasswd"), owner.accessToken), 404);
    EXPECT_STATUS(api.get(QStringLiteral("/api/generations/not-an-id"), owner.accessToken), 404);
    EXPECT_STATUS(api.get(QStringLiteral("/api/outputs/..%2F..%2Fjwt-secret/file?variant=full"), owner.accessToken), 404);
    EXPECT_STATUS(api.get(QStringLiteral("/api/outputs/%1/file").arg(QUuid::createUuid().toString(QUuid::WithoutBraces)), owner.accessToken), 404);
    EXPECT_STATUS(api.send("PUT", QStringLiteral("/api/generations/../cancel"), {}, owner.accessToken), 404);
}

void TestApiGenerate::queuedCancelCreditsAndRateLimit()
{
    // No workers: everything stays queued, so cancel and delete of a queued generation are exact.
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("0")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("5")},
                      {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=2")},
                      {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("4")}},
                     &error),
             qPrintable(error));
    const TestUser &user = f.owner;
    TestClient &api = *f.client;
    QCOMPARE(f.credits(user), 5);
    const Reply first = api.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId(), 1), user.accessToken);
    EXPECT_STATUS(first, 202);
    const QString firstId = first.json.value(QStringLiteral("id")).toString();
    QCOMPARE(f.credits(user), 3);
    const Reply cancelled = api.send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(firstId), {}, user.accessToken);
    EXPECT_STATUS(cancelled, 200);
    QCOMPARE(cancelled.json.value(QStringLiteral("status")).toString(), QStringLiteral("cancelled"));
    QCOMPARE(f.credits(user), 5);
    EXPECT_STATUS(api.send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(firstId), {}, user.accessToken), 409);
    QCOMPARE(f.credits(user), 5);

    const Reply tooExpensive = api.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId(), 3), user.accessToken);
    EXPECT_STATUS(tooExpensive, 402);
    QCOMPARE(tooExpensive.code(), QStringLiteral("INSUFFICIENT_CREDITS"));
    QCOMPARE(f.credits(user), 5);
    const Reply second = api.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId(), 2), user.accessToken);
    EXPECT_STATUS(second, 202);
    QCOMPARE(f.credits(user), 1);
    EXPECT_STATUS(api.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId(), 1), user.accessToken), 402);
    const Reply limited = api.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId(), 1), user.accessToken);
    EXPECT_STATUS(limited, 429);
    QVERIFY(limited.headers.value("retry-after").toInt() >= 1);

    // Deleting a generation that never ran gives its credits back.
    EXPECT_STATUS(api.del(QStringLiteral("/api/generations/") + second.json.value(QStringLiteral("id")).toString(), user.accessToken), 204);
    QCOMPARE(f.credits(user), 5);
    QCOMPARE(f.ledger(user), 5);
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
}

void TestApiGenerate::killWithJobsInFlight()
{
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("2")},
                      {QStringLiteral("VESPER_JOB_LEASE_SECONDS"), QStringLiteral("2")},
                      {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("1000")},
                      {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=1")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("1000")}},
                     &error),
             qPrintable(error));
    const TestUser &user = f.owner;
    constexpr int kJobs = 50;
    QStringList ids;
    for (int i = 0; i < kJobs; ++i) {
        const Reply reply = f.client->post(QStringLiteral("/api/generate"),
                                           generateBody(f.sessionId, newClientId(), 2, QStringLiteral("1:1"), QStringLiteral("1024")),
                                           user.accessToken);
        EXPECT_STATUS(reply, 202);
        ids << reply.json.value(QStringLiteral("id")).toString();
    }
    // Kill while some have finished and others run or wait.
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000
           && f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE status = 'completed'")).toInt() < 1)
        QThread::msleep(20);
    f.server->kill();
    const int before = f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE status = 'completed'")).toInt();
    qInfo("killed with %d of %d generations completed", before, kJobs);
    QVERIFY2(before < kJobs, "every job finished before the kill");

    QVERIFY2(f.server->start(&error), qPrintable(error));
    f.client = std::make_unique<TestClient>(f.server->baseUrl());
    for (const QString &id : std::as_const(ids)) {
        const QJsonObject done = f.waitFinished(user, id, 60000);
        QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("completed"),
                 qPrintable(QString::fromUtf8(QJsonDocument(done).toJson(QJsonDocument::Compact)) + f.serverLog()));
        QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 2);
        const QDir folder(f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(user.id, id));
        QCOMPARE(folder.entryList(QDir::Files | QDir::Hidden).size(), 4); // no duplicates, no temporary leftovers
    }
    // No orphans either: exactly one folder per generation under the user's storage.
    const QDir userFolder(f.server->dataDir() + QStringLiteral("/storage/") + user.id);
    QCOMPARE(userFolder.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Files | QDir::Hidden).size(), kJobs);
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs")).toInt(), 2 * kJobs);
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
    QCOMPARE(f.credits(user), 1000 - 2 * kJobs);
    QCOMPARE(f.ledger(user), f.credits(user));
}

void TestApiGenerate::claimUsesIndex()
{
    // The worker's claim statement (jobqueue.cpp), explained on the test server's database.
    const QString url = m_f.server->dbUrl();
    const bool sqlite = url.startsWith(QLatin1String("sqlite:"));
    QSqlDatabase db;
    {
        db = QSqlDatabase::addDatabase(sqlite ? QStringLiteral("QSQLITE") : QStringLiteral("QPSQL"), QStringLiteral("plans"));
        if (sqlite) {
            db.setDatabaseName(url.mid(7));
        } else {
            const QUrl parsed(url);
            db.setHostName(parsed.host());
            db.setPort(parsed.port(5432));
            db.setUserName(parsed.userName());
            db.setPassword(parsed.password());
            db.setDatabaseName(parsed.path().mid(1));
        }
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
    }
    const QString now = sqlite ? QStringLiteral("1") : QStringLiteral("TIMESTAMPTZ 'epoch'");
    const QString claim = QStringLiteral("UPDATE jobs SET lease_owner = 'w', lease_expires_at = %1, attempts = attempts + 1 "
                                         "WHERE generation_id = (SELECT generation_id FROM jobs WHERE (lease_owner IS NULL OR "
                                         "lease_expires_at < %1) AND run_after <= %1 ORDER BY priority DESC, run_after LIMIT 1%2) "
                                         "RETURNING generation_id, attempts, max_attempts")
                              .arg(now, sqlite ? QString() : QStringLiteral(" FOR UPDATE SKIP LOCKED"));
    QSqlQuery q(db);
    if (!sqlite)
        QVERIFY(q.exec(QStringLiteral("SET enable_seqscan = off"))); // only a missing index leaves a Seq Scan
    QVERIFY2(q.exec((sqlite ? QStringLiteral("EXPLAIN QUERY PLAN ") : QStringLiteral("EXPLAIN ")) + claim), qPrintable(q.lastError().text()));
    QStringList plan;
    while (q.next())
        plan << q.value(sqlite ? 3 : 0).toString();
    const QString text = plan.join(QLatin1Char('\n'));
    QVERIFY2(text.contains(QLatin1String("jobs_claim")), qPrintable(text));
    QVERIFY2(!text.contains(QLatin1String("TEMP B-TREE")) && !text.contains(QLatin1String("Seq Scan")) && !text.contains(QLatin1String("Sort")),
             qPrintable(text));
    q = QSqlQuery();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("plans"));
}

void TestApiGenerate::failureRetriesThenRefunds()
{
    // A file where the user's storage folder should be: every write fails, the job retries with
    // backoff, then fails for good and the credits come back.
    const TestUser user = m_f.newUser(QStringLiteral("failing"));
    const QString session = m_f.sessionFor(user);
    const qint64 before = m_f.credits(user);
    QFile blocker(m_f.server->dataDir() + QStringLiteral("/storage/") + user.id);
    QVERIFY(QDir().mkpath(m_f.server->dataDir() + QStringLiteral("/storage")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"), generateBody(session, newClientId(), 2), user.accessToken);
    EXPECT_STATUS(accepted, 202);
    QCOMPARE(m_f.credits(user), before - 4);
    const QString id = accepted.json.value(QStringLiteral("id")).toString();
    const QJsonObject done = m_f.waitFinished(user, id, 60000);
    QVERIFY2(done.value(QStringLiteral("status")).toString() == QLatin1String("failed"),
             QJsonDocument(done).toJson(QJsonDocument::Compact).constData());
    QVERIFY(!done.value(QStringLiteral("error")).toObject().value(QStringLiteral("message")).toString().isEmpty());
    QCOMPARE(done.value(QStringLiteral("outputs")).toArray().size(), 0);
    QCOMPARE(m_f.credits(user), before);
    QCOMPARE(m_f.ledger(user), before);
    QCOMPARE(m_f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs WHERE generation_id = ?"), {id}).toInt(), 0);
    QVERIFY(blocker.remove());
}

QTEST_GUILESS_MAIN(TestApiGenerate)
#include "tst_api_generate.moc"
