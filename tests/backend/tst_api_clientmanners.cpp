// What an offline-first client needs from the server besides its rows: GoTrue's public settings
// (whether to offer sign-up), the generate reply's cost and new balance, the generate limit in
// bootstrap, and file downloads in a rate bucket of their own so thumbnails can be prefetched in bulk.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QBuffer>
#include <QImage>
#include <QTest>

using namespace vesper::test;

/// EXPECT_STATUS on a request made here: made once (EXPECT_STATUS names its reply twice).
#define EXPECT_REPLY(call, expected)                                                                                     \
    do {                                                                                                                 \
        const Reply reply_ = (call);                                                                                     \
        EXPECT_STATUS(reply_, expected);                                                                                 \
    } while (false)

namespace {
constexpr int kGeneralLimit = 20;
constexpr int kDownloadLimit = 40;
constexpr int kGenerateLimit = 7;
constexpr int kSketchCost = 3;
} // namespace

class TestApiClientManners : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void authSettingsLikeGoTrue();
    void authSettingsWithoutSignup();
    void generateReplyCarriesCostAndCredits();
    void bootstrapCarriesGenerateLimit();
    void downloadsHaveTheirOwnBucket();

private:
    qint64 credits(const TestUser &user);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
};

void TestApiClientManners::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QString::number(kGeneralLimit));
    m_server->setEnv(QStringLiteral("VESPER_DOWNLOAD_RATE_LIMIT"), QString::number(kDownloadLimit));
    m_server->setEnv(QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QString::number(kGenerateLimit));
    m_server->setEnv(QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=%1").arg(kSketchCost));
    m_server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
}

qint64 TestApiClientManners::credits(const TestUser &user)
{
    return m_client->get(QStringLiteral("/auth/v1/user"), user.accessToken).json.value(QStringLiteral("credits")).toInteger(-1);
}

void TestApiClientManners::authSettingsLikeGoTrue()
{
    const Reply reply = m_client->get(QStringLiteral("/auth/v1/settings")); // no token: a client asks before signing in
    EXPECT_STATUS(reply, 200);
    const QJsonObject external = reply.json.value(QStringLiteral("external")).toObject();
    QCOMPARE(external.value(QStringLiteral("email")), QJsonValue(true));
    QCOMPARE(external.value(QStringLiteral("google")), QJsonValue(false));
    QCOMPARE(reply.json.value(QStringLiteral("disable_signup")), QJsonValue(false)); // the test server allows sign-up
    QVERIFY(reply.json.value(QStringLiteral("mailer_autoconfirm")).isBool());
    QCOMPARE(reply.json.value(QStringLiteral("phone_autoconfirm")), QJsonValue(false));
    QCOMPARE(reply.json.value(QStringLiteral("sms_provider")), QJsonValue(QString()));
}

void TestApiClientManners::authSettingsWithoutSignup()
{
    TestServer closed;
    closed.setEnv(QStringLiteral("VESPER_ALLOW_SIGNUP"), QStringLiteral("0"));
    closed.setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    QString reason;
    QVERIFY2(closed.start(&reason), qPrintable(reason));
    TestClient client(closed.baseUrl());
    const Reply reply = client.get(QStringLiteral("/auth/v1/settings"));
    EXPECT_STATUS(reply, 200);
    QCOMPARE(reply.json.value(QStringLiteral("disable_signup")), QJsonValue(true));
    EXPECT_REPLY(client.post(QStringLiteral("/auth/v1/signup"), {{QStringLiteral("email"), QStringLiteral("no@manners.example.com")},
                                                                  {QStringLiteral("password"), QStringLiteral("correct horse battery")}}), 403);
}

void TestApiClientManners::generateReplyCarriesCostAndCredits()
{
    const TestUser user = m_client->signUp(QStringLiteral("generate@manners.example.com"));
    const QString session = firstSession(*m_client, user, createProject(*m_client, user, QStringLiteral("Costs"), false));
    QVERIFY(!session.isEmpty());
    const qint64 before = credits(user);
    const QJsonObject body = generateBody(session, newClientId(), 2);
    const Reply first = m_client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    EXPECT_STATUS(first, 202);
    QCOMPARE(first.json.value(QStringLiteral("cost")).toInteger(), 2 * kSketchCost);
    QCOMPARE(first.json.value(QStringLiteral("credits")).toInteger(), before - 2 * kSketchCost);
    QCOMPARE(credits(user), before - 2 * kSketchCost);
    // A resend of the same clientId debits nothing and tells the same cost and balance.
    const Reply replay = m_client->post(QStringLiteral("/api/generate"), body, user.accessToken);
    EXPECT_STATUS(replay, 200);
    QCOMPARE(replay.json.value(QStringLiteral("id")), first.json.value(QStringLiteral("id")));
    QCOMPARE(replay.json.value(QStringLiteral("cost")), first.json.value(QStringLiteral("cost")));
    QCOMPARE(replay.json.value(QStringLiteral("credits")), first.json.value(QStringLiteral("credits")));
}

void TestApiClientManners::bootstrapCarriesGenerateLimit()
{
    const TestUser user = m_client->signUp(QStringLiteral("bootstrap@manners.example.com"));
    const Reply reply = m_client->get(QStringLiteral("/api/bootstrap"), user.accessToken);
    EXPECT_STATUS(reply, 200);
    const QJsonObject limits = reply.json.value(QStringLiteral("limits")).toObject();
    QCOMPARE(limits.value(QStringLiteral("generatePerMinute")).toInt(), kGenerateLimit);
    QCOMPARE(limits.value(QStringLiteral("downloadsPerMinute")).toInt(), kDownloadLimit);
    QCOMPARE(limits.value(QStringLiteral("requestsPerMinute")).toInt(), kGeneralLimit);
}

void TestApiClientManners::downloadsHaveTheirOwnBucket()
{
    const TestUser user = m_client->signUp(QStringLiteral("downloads@manners.example.com"));
    QImage image(16, 16, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    const Reply uploaded = m_client->send("POST", QStringLiteral("/api/uploads"), png, user.accessToken, {{"Content-Type", "image/png"}});
    EXPECT_STATUS(uploaded, 201); // the one general request so far
    const QString path = QStringLiteral("/api/uploads/%1/file?variant=thumb").arg(uploaded.json.value(QStringLiteral("id")).toString());

    // Twice the general limit of downloads go through, until the download bucket itself is empty
    // (it refills meanwhile, so a slow run may get a few more before the first 429).
    int downloaded = 0;
    Reply limited;
    for (int i = 0; i < 3 * kDownloadLimit && limited.status == 0; ++i) {
        const Reply reply = m_client->get(path, user.accessToken);
        if (reply.status == 429)
            limited = reply;
        else
            EXPECT_STATUS(reply, 200);
        downloaded += reply.status == 200;
    }
    QVERIFY2(downloaded >= kDownloadLimit, qPrintable(QString::number(downloaded)));
    EXPECT_STATUS(limited, 429);
    QCOMPARE(limited.code(), QStringLiteral("RATE_LIMITED"));
    QVERIFY(limited.headers.value("retry-after").toInt() >= 1);
    // The general bucket was not touched: all but the upload's one request of it are still there.
    for (int i = 0; i < kGeneralLimit - 1; ++i)
        EXPECT_REPLY(m_client->get(QStringLiteral("/api/models"), user.accessToken), 200);
}

QTEST_MAIN(TestApiClientManners)
#include "tst_api_clientmanners.moc"
