// Upload hardening (issue 13, items 3 and 4): a reference image's pixel count is read from its header
// and refused before decoding with its own message; decoding runs in a bounded pool that answers 503
// with Retry-After when full; per-user quotas (count and bytes); GET /api/uploads lists one's own,
// DELETE /api/uploads/{id} removes one unless a generation uses it; unused uploads are swept.
#include "apifixtures.h"
#include "generationfixture.h"
#include "parallelraw.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <algorithm>
#include <atomic>
#include <thread>

using namespace vesper::test;

namespace {
quint32 crc32(const QByteArray &data)
{
    quint32 crc = 0xffffffffu;
    for (char c : data) {
        crc ^= quint8(c);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void chunk(QByteArray &png, const char *type, const QByteArray &data)
{
    const auto be32 = [](quint32 v) {
        const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
        return QByteArray(bytes, 4);
    };
    const QByteArray typed = QByteArray(type) + data;
    png += be32(quint32(data.size())) + typed + be32(crc32(typed));
}

/// A valid 8-bit grayscale PNG of one shade, made by hand: a 5600 × 5600 one is about 30 KB on the
/// wire and 31 MB once decoded, the shape of a decompression bomb.
QByteArray grayPng(int width, int height, quint8 shade = 0)
{
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray header;
    for (int v : {width, height}) {
        const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
        header += QByteArray(bytes, 4);
    }
    header += QByteArray("\x08\x00\x00\x00\x00", 5); // 8 bits, grayscale, deflate, no filter set, no interlace
    chunk(png, "IHDR", header);
    QByteArray row(width + 1, char(shade));
    row[0] = 0; // filter: none
    QByteArray raw;
    raw.reserve(qsizetype(row.size()) * height);
    for (int y = 0; y < height; ++y)
        raw += row;
    chunk(png, "IDAT", qCompress(raw, 9).mid(4)); // qCompress: a 4-byte length, then a zlib stream
    chunk(png, "IEND", {});
    return png;
}

Reply upload(TestClient &client, const TestUser &user, const QByteArray &bytes)
{
    return client.send("POST", QStringLiteral("/api/uploads"), bytes, user.accessToken, {{"Content-Type", "image/png"}});
}
} // namespace

class TestApiUploadLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void hugePixelCountRefusedBeforeDecoding();
    void parallelBombsRefusedFastHealthzAnswers();
    void fullPoolAnswers503();
    void countQuota();
    void bytesQuota();
    void listsOwnUploadsPaged();
    void deleteOwnUnlessReferenced();
    void sweepRemovesUnusedOnly();

private:
    std::unique_ptr<TestServer> startServer(const QList<QPair<QString, QString>> &env);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    TestUser m_user;
    TestUser m_other;
};

std::unique_ptr<TestServer> TestApiUploadLimits::startServer(const QList<QPair<QString, QString>> &env)
{
    auto server = std::make_unique<TestServer>();
    server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    // A model that takes references, against a port where nothing listens; no workers run it.
    server->setEnv(QStringLiteral("GEMINI_API_KEY"), QStringLiteral("test-key"));
    server->setEnv(QStringLiteral("VESPER_GEMINI_URL"), QStringLiteral("http://127.0.0.1:1"));
    server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    for (const auto &pair : env)
        server->setEnv(pair.first, pair.second);
    QString reason;
    if (!server->start(&reason)) {
        qWarning() << "server did not start:" << reason;
        return {};
    }
    return server;
}

void TestApiUploadLimits::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = startServer({{QStringLiteral("VESPER_UPLOAD_QUOTA_COUNT"), QStringLiteral("3")}});
    QVERIFY(m_server);
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_user = m_client->signUp(QStringLiteral("limits@uploads.example.com"));
    m_other = m_client->signUp(QStringLiteral("other@uploads.example.com"));
    QVERIFY(!m_user.id.isEmpty() && !m_other.id.isEmpty());
}

void TestApiUploadLimits::hugePixelCountRefusedBeforeDecoding()
{
    const TestUser user = m_client->signUp(QStringLiteral("bomb@uploads.example.com"));
    const QByteArray bomb = grayPng(5600, 5600);
    QVERIFY2(bomb.size() < 200 * 1024, qPrintable(QString::number(bomb.size())));
    const Reply reply = upload(*m_client, user, bomb);
    EXPECT_STATUS(reply, 400);
    QCOMPARE(reply.json.value(QStringLiteral("code")).toString(), QStringLiteral("VALIDATION_ERROR"));
    const QString message = reply.json.value(QStringLiteral("error")).toString();
    QVERIFY2(message.contains(QStringLiteral("5600 × 5600")) && message.contains(QStringLiteral("16777216 pixels")), qPrintable(message));
    QVERIFY(!message.contains(QStringLiteral("not a PNG")));
    // At the cap is fine: 4096 × 4096 is what the providers take.
    EXPECT_STATUS(upload(*m_client, user, grayPng(4096, 4096, 200)), 201);
}

void TestApiUploadLimits::parallelBombsRefusedFastHealthzAnswers()
{
    const TestUser user = m_client->signUp(QStringLiteral("load@uploads.example.com"));
    const QByteArray bomb = grayPng(5600, 5600);
    const QByteArray head = requestHead("POST", "/api/uploads", user.accessToken, bomb.size());
    std::atomic<bool> done{false};
    QList<qint64> healthz; // microseconds
    std::thread prober([&] {
        while (!done.load()) {
            QElapsedTimer timer;
            timer.start();
            const RawReply r = rawExchange(m_server->port(), requestHead("GET", "/healthz", QString()));
            if (r.status == 200)
                healthz.append(timer.nsecsElapsed() / 1000);
        }
    });
    QElapsedTimer all;
    all.start();
    const QList<RawReply> replies = parallelExchange(m_server->port(), head, bomb, 8);
    const qint64 uploadsMs = all.elapsed();
    done = true;
    prober.join();
    for (const RawReply &r : replies) {
        QCOMPARE(r.status, 400);
        QVERIFY2(r.body.contains("5600 \xc3\x97 5600"), qPrintable(describe(r)));
    }
    std::sort(healthz.begin(), healthz.end());
    const qint64 p50 = healthz.isEmpty() ? -1 : healthz.at(healthz.size() / 2);
    qInfo("8 parallel 5600x5600 PNG uploads (%lld bytes each) refused in %lld ms; /healthz p50 %.2f ms over %lld probes (figure only)",
          qint64(bomb.size()), uploadsMs, double(p50) / 1000.0, qint64(healthz.size()));
    QVERIFY(!healthz.isEmpty());
}

void TestApiUploadLimits::fullPoolAnswers503()
{
    // One decode at a time and no queue: eight 16.7-megapixel uploads at once cannot all be taken.
    const auto server = startServer({{QStringLiteral("VESPER_COSTLY_THREADS"), QStringLiteral("1")},
                                     {QStringLiteral("VESPER_COSTLY_QUEUE"), QStringLiteral("0")}});
    QVERIFY(server);
    TestClient client(server->baseUrl());
    const TestUser user = client.signUp(QStringLiteral("busy@uploads.example.com"));
    const QByteArray big = grayPng(4096, 4096, 90);
    const QList<RawReply> replies = parallelExchange(server->port(), requestHead("POST", "/api/uploads", user.accessToken, big.size()), big, 8);
    int created = 0;
    int busy = 0;
    for (const RawReply &r : replies) {
        QVERIFY2(r.status == 201 || r.status == 503, qPrintable(describe(r)));
        if (r.status == 503) {
            ++busy;
            QVERIFY2(r.head.toLower().contains("retry-after:"), r.head.constData());
            QVERIFY(r.body.contains("UNAVAILABLE"));
        } else {
            ++created;
        }
    }
    QVERIFY(created >= 1);
    QVERIFY2(busy >= 1, "eight costly uploads at once against a pool of one: some must be turned away");
}

void TestApiUploadLimits::countQuota()
{
    const TestUser user = m_client->signUp(QStringLiteral("count@uploads.example.com"));
    QStringList ids;
    for (int i = 0; i < 3; ++i) {
        const Reply r = upload(*m_client, user, grayPng(32, 32, quint8(i)));
        EXPECT_STATUS(r, 201);
        ids << r.json.value(QStringLiteral("id")).toString();
    }
    const Reply over = upload(*m_client, user, grayPng(32, 32, 9));
    EXPECT_STATUS(over, 413);
    QVERIFY2(over.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("3 uploads")), qPrintable(describe(over)));
    QCOMPARE(over.json.value(QStringLiteral("usedCount")).toInt(), 3);
    // Another user has a quota of their own; deleting one frees a place.
    EXPECT_STATUS(upload(*m_client, m_other, grayPng(32, 32, 9)), 201);
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/uploads/") + ids.first(), user.accessToken), 204);
    EXPECT_STATUS(upload(*m_client, user, grayPng(32, 32, 9)), 201);
}

void TestApiUploadLimits::bytesQuota()
{
    const auto server = startServer({{QStringLiteral("VESPER_UPLOAD_QUOTA_BYTES"), QStringLiteral("1")}});
    QVERIFY(server);
    TestClient client(server->baseUrl());
    const TestUser user = client.signUp(QStringLiteral("bytes@uploads.example.com"));
    const Reply over = upload(client, user, grayPng(32, 32));
    EXPECT_STATUS(over, 413);
    QVERIFY2(over.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("bytes this server keeps")), qPrintable(describe(over)));
    QCOMPARE(client.get(QStringLiteral("/api/uploads"), user.accessToken).data().size(), 0);
}

void TestApiUploadLimits::listsOwnUploadsPaged()
{
    const TestUser user = m_client->signUp(QStringLiteral("list@uploads.example.com"));
    QStringList made;
    for (int i = 0; i < 3; ++i)
        made.prepend(upload(*m_client, user, grayPng(16, 16, quint8(i))).json.value(QStringLiteral("id")).toString());
    EXPECT_STATUS(upload(*m_client, m_other, grayPng(16, 16, 77)), 201);
    QStringList listed;
    QString cursor;
    for (int page = 0; page < 5; ++page) {
        const Reply r = m_client->get(QStringLiteral("/api/uploads?limit=2") + (cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                                      user.accessToken);
        EXPECT_STATUS(r, 200);
        for (const QJsonValue &row : r.data())
            listed << row.toObject().value(QStringLiteral("id")).toString();
        if (!r.json.value(QStringLiteral("hasMore")).toBool())
            break;
        cursor = r.json.value(QStringLiteral("nextCursor")).toString();
    }
    QCOMPARE(listed, made); // newest first, only the caller's
    EXPECT_STATUS(m_client->get(QStringLiteral("/api/uploads?cursor=nonsense"), user.accessToken), 400);
    EXPECT_STATUS(m_client->get(QStringLiteral("/api/uploads")), 401);
}

void TestApiUploadLimits::deleteOwnUnlessReferenced()
{
    const TestUser user = m_client->signUp(QStringLiteral("delete@uploads.example.com"));
    const QString used = upload(*m_client, user, grayPng(16, 16, 1)).json.value(QStringLiteral("id")).toString();
    const QString spare = upload(*m_client, user, grayPng(16, 16, 2)).json.value(QStringLiteral("id")).toString();
    const QString project = createProject(*m_client, user, QStringLiteral("Refs"), false);
    QJsonObject body = generateBody(firstSession(*m_client, user, project), newClientId(), 1, QStringLiteral("1:1"),
                                    QStringLiteral("1024"), QStringLiteral("gemini-image"));
    QJsonObject parameters = body.value(QStringLiteral("parameters")).toObject();
    parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray{used});
    body.insert(QStringLiteral("parameters"), parameters);
    EXPECT_STATUS(m_client->post(QStringLiteral("/api/generate"), body, user.accessToken), 202);

    // Someone else's is answered like a missing one; a referenced one is kept with a reason.
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/uploads/") + spare, m_other.accessToken), 404);
    const Reply referenced = m_client->del(QStringLiteral("/api/uploads/") + used, user.accessToken);
    EXPECT_STATUS(referenced, 409);
    QVERIFY(referenced.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("generation")));
    EXPECT_STATUS(m_client->get(QStringLiteral("/api/uploads/%1/file").arg(used), user.accessToken), 200);
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/uploads/") + spare, user.accessToken), 204);
    EXPECT_STATUS(m_client->get(QStringLiteral("/api/uploads/%1/file").arg(spare), user.accessToken), 404);
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/uploads/") + spare, user.accessToken), 404);
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/uploads/not-an-id"), user.accessToken), 404);
}

void TestApiUploadLimits::sweepRemovesUnusedOnly()
{
    const auto server = startServer({{QStringLiteral("VESPER_UPLOAD_UNUSED_SECONDS"), QStringLiteral("1")},
                                     {QStringLiteral("VESPER_SWEEP_INTERVAL_SECONDS"), QStringLiteral("1")}});
    QVERIFY(server);
    TestClient client(server->baseUrl());
    const TestUser user = client.signUp(QStringLiteral("sweep@uploads.example.com"));
    const QString used = upload(client, user, grayPng(16, 16, 1)).json.value(QStringLiteral("id")).toString();
    const QString unused = upload(client, user, grayPng(16, 16, 2)).json.value(QStringLiteral("id")).toString();
    const QString project = createProject(client, user, QStringLiteral("Sweep"), false);
    QJsonObject body = generateBody(firstSession(client, user, project), newClientId(), 1, QStringLiteral("1:1"),
                                    QStringLiteral("1024"), QStringLiteral("gemini-image"));
    QJsonObject parameters = body.value(QStringLiteral("parameters")).toObject();
    parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray{used});
    body.insert(QStringLiteral("parameters"), parameters);
    EXPECT_STATUS(client.post(QStringLiteral("/api/generate"), body, user.accessToken), 202);
    const auto listed = [&] {
        QStringList ids;
        for (const QJsonValue &row : client.get(QStringLiteral("/api/uploads"), user.accessToken).data())
            ids << row.toObject().value(QStringLiteral("id")).toString();
        return ids;
    };
    QTRY_COMPARE_WITH_TIMEOUT(listed(), QStringList{used}, 10000);
    EXPECT_STATUS(client.get(QStringLiteral("/api/uploads/%1/file").arg(unused), user.accessToken), 404);
    EXPECT_STATUS(client.get(QStringLiteral("/api/uploads/%1/file").arg(used), user.accessToken), 200);
}

QTEST_GUILESS_MAIN(TestApiUploadLimits)
#include "tst_api_uploadlimits.moc"
