// Idempotency-Key on creates (projects, sessions, uploads, members): a replay answers the first
// answer (status and body) and creates nothing; the same key on a different request is 409; keys
// are per user; twins in flight create exactly one row; answers past their retention are pruned.
#include "apifixtures.h"
#include "parallelraw.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QUuid>

using namespace vesper::test;

/// EXPECT_STATUS on a request made here: made once (EXPECT_STATUS names its reply twice).
#define EXPECT_REPLY(call, expected)                                                                                     \
    do {                                                                                                                 \
        const Reply reply_ = (call);                                                                                     \
        EXPECT_STATUS(reply_, expected);                                                                                 \
    } while (false)

namespace {
QByteArray newKey()
{
    return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
}

QByteArray pngBytes()
{
    QImage image(32, 24, QImage::Format_RGB32);
    image.fill(qRgb(40, 90, 200));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}
} // namespace

class TestApiIdempotency : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void projectReplayCreatesOnce();
    void sessionReplayCreatesOnce();
    void memberReplayAnswersFirst();
    void uploadReplayStoresOneFile();
    void sameKeyOtherRequestIsConflict();
    void keysArePerUser();
    void malformedKeyIsRefused();
    void failedCreateDoesNotSpendKey();
    void concurrentTwinsCreateOneRow();
    void oldKeysArePruned();

private:
    Reply create(const QString &path, const QByteArray &body, const TestUser &user, const QByteArray &key);
    qint64 count(const QString &sql, const QVariantList &binds);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    TestUser m_owner;
    TestUser m_other;
};

void TestApiIdempotency::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    m_server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    QVERIFY(m_data->isOpen());
    m_owner = m_client->signUp(QStringLiteral("owner@idem.example.com"));
    m_other = m_client->signUp(QStringLiteral("other@idem.example.com"));
    QVERIFY(!m_owner.id.isEmpty() && !m_other.id.isEmpty());
}

Reply TestApiIdempotency::create(const QString &path, const QByteArray &body, const TestUser &user, const QByteArray &key)
{
    QHash<QByteArray, QByteArray> headers;
    if (!key.isEmpty())
        headers.insert("Idempotency-Key", key);
    return m_client->send("POST", path, body, user.accessToken, headers);
}

qint64 TestApiIdempotency::count(const QString &sql, const QVariantList &binds)
{
    return m_data->scalar(sql, binds).toLongLong();
}

void TestApiIdempotency::projectReplayCreatesOnce()
{
    const QByteArray key = newKey();
    const QByteArray body = json({{QStringLiteral("name"), QStringLiteral("Replayed")}});
    const Reply first = create(QStringLiteral("/api/projects"), body, m_owner, key);
    EXPECT_STATUS(first, 201);
    QVERIFY(!first.headers.contains("idempotent-replayed"));
    const Reply second = create(QStringLiteral("/api/projects"), body, m_owner, key);
    EXPECT_STATUS(second, 201);
    QCOMPARE(second.body, first.body);
    QCOMPARE(second.headers.value("idempotent-replayed"), QByteArray("true"));
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ? AND name = 'Replayed'"), {m_owner.id}), 1);
    // Without a key every POST creates.
    EXPECT_REPLY(create(QStringLiteral("/api/projects"), body, m_owner, {}), 201);
    EXPECT_REPLY(create(QStringLiteral("/api/projects"), body, m_owner, {}), 201);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ? AND name = 'Replayed'"), {m_owner.id}), 3);
}

void TestApiIdempotency::sessionReplayCreatesOnce()
{
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Sessions"), false);
    QVERIFY(!project.isEmpty());
    const QByteArray key = newKey();
    const QByteArray body = json({{QStringLiteral("projectId"), project}, {QStringLiteral("name"), QStringLiteral("Take two")}});
    const Reply first = create(QStringLiteral("/api/sessions"), body, m_owner, key);
    EXPECT_STATUS(first, 201);
    const qint64 revAfterFirst = count(QStringLiteral("SELECT value FROM rev_counter"), {});
    const Reply second = create(QStringLiteral("/api/sessions"), body, m_owner, key);
    EXPECT_STATUS(second, 201);
    QCOMPARE(second.body, first.body);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE project_id = ?"), {project}), 2); // "Session 1" + one
    QCOMPARE(count(QStringLiteral("SELECT value FROM rev_counter"), {}), revAfterFirst); // a replay writes nothing
}

void TestApiIdempotency::memberReplayAnswersFirst()
{
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Team"), true);
    const QByteArray key = newKey();
    const QString path = QStringLiteral("/api/projects/%1/members").arg(project);
    const QByteArray body = json({{QStringLiteral("email"), m_other.email}, {QStringLiteral("role"), QStringLiteral("viewer")}});
    const Reply first = create(path, body, m_owner, key);
    EXPECT_STATUS(first, 201);
    // Changed since by a request without the key (the invitation's role): the replay still tells the
    // first answer, changing nothing.
    EXPECT_REPLY(create(path, json({{QStringLiteral("email"), m_other.email}, {QStringLiteral("role"), QStringLiteral("editor")}}),
                         m_owner, {}), 201);
    const Reply replay = create(path, body, m_owner, key);
    EXPECT_STATUS(replay, 201);
    QCOMPARE(replay.body, first.body);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT role FROM invitations WHERE project_id = ?"), {project}).toString(),
             QStringLiteral("editor"));
}

void TestApiIdempotency::uploadReplayStoresOneFile()
{
    const QByteArray key = newKey();
    const QByteArray png = pngBytes();
    const auto upload = [&] {
        return m_client->send("POST", QStringLiteral("/api/uploads"), png, m_owner.accessToken,
                              {{"Content-Type", "image/png"}, {"Idempotency-Key", key}});
    };
    const qint64 before = count(QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = ?"), {m_owner.id});
    const Reply first = upload();
    EXPECT_STATUS(first, 201);
    const Reply second = upload();
    EXPECT_STATUS(second, 201);
    QCOMPARE(second.body, first.body);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = ?"), {m_owner.id}), before + 1);
    QDir uploads(m_server->dataDir() + QStringLiteral("/storage/") + m_owner.id + QStringLiteral("/uploads"));
    QCOMPARE(uploads.entryList(QDir::Files).size(), int(before + 1));
}

void TestApiIdempotency::sameKeyOtherRequestIsConflict()
{
    const QByteArray key = newKey();
    EXPECT_REPLY(create(QStringLiteral("/api/projects"), json({{QStringLiteral("name"), QStringLiteral("First use")}}), m_owner, key), 201);
    const Reply otherBody = create(QStringLiteral("/api/projects"), json({{QStringLiteral("name"), QStringLiteral("Second use")}}), m_owner, key);
    EXPECT_STATUS(otherBody, 409);
    QCOMPARE(otherBody.code(), QStringLiteral("CONFLICT"));
    QVERIFY2(otherBody.json.value(QStringLiteral("error")).toString().contains(QLatin1String("Idempotency-Key")), qPrintable(describe(otherBody)));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Elsewhere"), false);
    const Reply otherRoute = create(QStringLiteral("/api/sessions"),
                                    json({{QStringLiteral("projectId"), project}, {QStringLiteral("name"), QStringLiteral("First use")}}), m_owner, key);
    EXPECT_STATUS(otherRoute, 409);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ? AND name = 'Second use'"), {m_owner.id}), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE project_id = ?"), {project}), 1);
}

void TestApiIdempotency::keysArePerUser()
{
    const QByteArray key = newKey();
    const QByteArray body = json({{QStringLiteral("name"), QStringLiteral("Same key")}});
    const Reply mine = create(QStringLiteral("/api/projects"), body, m_owner, key);
    const Reply theirs = create(QStringLiteral("/api/projects"), body, m_other, key);
    EXPECT_STATUS(mine, 201);
    EXPECT_STATUS(theirs, 201);
    QVERIFY(!theirs.headers.contains("idempotent-replayed"));
    QVERIFY(mine.json.value(QStringLiteral("id")) != theirs.json.value(QStringLiteral("id")));
    QCOMPARE(theirs.json.value(QStringLiteral("ownerId")).toString(), m_other.id);
}

void TestApiIdempotency::malformedKeyIsRefused()
{
    const QByteArray body = json({{QStringLiteral("name"), QStringLiteral("Bad key")}});
    for (const QByteArray &key : {QByteArray(201, 'k'), QByteArray("with space"), QByteArray("tab\there")}) {
        const Reply reply = create(QStringLiteral("/api/projects"), body, m_owner, key);
        EXPECT_STATUS(reply, 400);
        QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
    }
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ? AND name = 'Bad key'"), {m_owner.id}), 0);
}

void TestApiIdempotency::failedCreateDoesNotSpendKey()
{
    // A refused create stores nothing: the same key with the mistake fixed is a first request.
    const QByteArray key = newKey();
    const QString missingProject = QUuid::createUuid().toString(QUuid::WithoutBraces);
    EXPECT_REPLY(create(QStringLiteral("/api/sessions"), json({{QStringLiteral("projectId"), missingProject}, {QStringLiteral("name"), QStringLiteral("x")}}),
                         m_owner, key), 404);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM idempotency_keys WHERE user_id = ? AND idem_key = ?"), {m_owner.id, QString::fromLatin1(key)}), 0);
}

void TestApiIdempotency::concurrentTwinsCreateOneRow()
{
    const QByteArray key = newKey();
    const QByteArray body = json({{QStringLiteral("name"), QStringLiteral("Twins")}});
    const QByteArray head = requestHead("POST", "/api/projects", m_owner.accessToken, body.size(), "Idempotency-Key: " + key + "\r\n");
    const QList<RawReply> replies = parallelExchange(m_server->port(), head, body, 8);
    QSet<QByteArray> bodies;
    for (const RawReply &reply : replies) {
        QVERIFY2(reply.status == 201, qPrintable(describe(reply)));
        bodies.insert(reply.body);
    }
    QCOMPARE(bodies.size(), 1); // every twin got the one answer
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM projects WHERE owner_id = ? AND name = 'Twins'"), {m_owner.id}), 1);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions s JOIN projects p ON p.id = s.project_id WHERE p.owner_id = ? AND p.name = 'Twins'"),
                   {m_owner.id}), 1);
}

void TestApiIdempotency::oldKeysArePruned()
{
    const QByteArray oldKey = newKey();
    const QByteArray freshKey = newKey();
    EXPECT_REPLY(create(QStringLiteral("/api/projects"), json({{QStringLiteral("name"), QStringLiteral("Old")}}), m_owner, oldKey), 201);
    EXPECT_REPLY(create(QStringLiteral("/api/projects"), json({{QStringLiteral("name"), QStringLiteral("Fresh")}}), m_owner, freshKey), 201);
    // Back-date one answer past the 24 h retention; the sweep at server start prunes it.
    const qint64 dayAndHourAgo = TestData::nowMicros() - qint64(25) * 3600 * 1000000;
    QVERIFY2(m_data->exec(QStringLiteral("UPDATE idempotency_keys SET created_at = %1 WHERE idem_key = ?").arg(m_data->timeLiteral(dayAndHourAgo)),
                          {QString::fromLatin1(oldKey)}), qPrintable(m_data->lastError()));
    m_server->stop();
    QString reason;
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl()); // a new port
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?"), {QString::fromLatin1(oldKey)}), 0);
    QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = ?"), {QString::fromLatin1(freshKey)}), 1);
    const Reply replay = create(QStringLiteral("/api/projects"), json({{QStringLiteral("name"), QStringLiteral("Fresh")}}), m_owner, freshKey);
    EXPECT_STATUS(replay, 201);
    QCOMPARE(replay.headers.value("idempotent-replayed"), QByteArray("true"));
}

QTEST_MAIN(TestApiIdempotency)
#include "tst_api_idempotency.moc"
