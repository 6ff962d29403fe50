// GET /api/uploads/{id}/file[?variant=thumb]: the uploader reads their upload back, and so does
// anyone who may see a generation that used it as a reference; to everyone else it does not exist
// (404, as for outputs). Strong ETag and private caching like output files; a WebP thumbnail.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QBuffer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QTest>

using namespace vesper::test;

/// EXPECT_STATUS on a request made here: made once (EXPECT_STATUS names its reply twice).
#define EXPECT_REPLY(call, expected)                                                                                     \
    do {                                                                                                                 \
        const Reply reply_ = (call);                                                                                     \
        EXPECT_STATUS(reply_, expected);                                                                                 \
    } while (false)

namespace {
QByteArray pngBytes(int width, int height)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, qRgb(x % 256, y % 256, 90));
    }
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}
} // namespace

class TestApiUploadFiles : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void uploaderReadsOriginal();
    void thumbnailIsSmallWebp();
    void notModifiedOnSameEtag();
    void strangersGetNotFound();
    void viewersOfAReferencingGenerationMayRead();
    void badVariantIsRefused();

private:
    QString upload(const TestUser &user, const QByteArray &png);
    Reply file(const QString &uploadId, const TestUser &user, const QString &variant = {},
               const QHash<QByteArray, QByteArray> &headers = {});

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    TestUser m_owner;
    TestUser m_member;
    TestUser m_stranger;
    QByteArray m_png;
    QString m_upload;
};

void TestApiUploadFiles::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    // A model that takes reference images, against a port where nothing listens: only the rows matter.
    m_server->setEnv(QStringLiteral("GEMINI_API_KEY"), QStringLiteral("test-key"));
    m_server->setEnv(QStringLiteral("VESPER_GEMINI_URL"), QStringLiteral("http://127.0.0.1:1"));
    m_server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    m_server->setEnv(QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("100000"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    m_owner = m_client->signUp(QStringLiteral("owner@uploadfiles.example.com"));
    m_member = m_client->signUp(QStringLiteral("member@uploadfiles.example.com"));
    m_stranger = m_client->signUp(QStringLiteral("stranger@uploadfiles.example.com"));
    QVERIFY(!m_owner.id.isEmpty() && !m_member.id.isEmpty() && !m_stranger.id.isEmpty());
    m_png = pngBytes(1200, 600);
    m_upload = upload(m_owner, m_png);
    QVERIFY(!m_upload.isEmpty());
}

QString TestApiUploadFiles::upload(const TestUser &user, const QByteArray &png)
{
    const Reply reply = m_client->send("POST", QStringLiteral("/api/uploads"), png, user.accessToken, {{"Content-Type", "image/png"}});
    return reply.status == 201 ? reply.json.value(QStringLiteral("id")).toString() : QString();
}

Reply TestApiUploadFiles::file(const QString &uploadId, const TestUser &user, const QString &variant,
                               const QHash<QByteArray, QByteArray> &headers)
{
    QString path = QStringLiteral("/api/uploads/%1/file").arg(uploadId);
    if (!variant.isEmpty())
        path += QStringLiteral("?variant=") + variant;
    return m_client->send("GET", path, {}, user.accessToken, headers);
}

void TestApiUploadFiles::uploaderReadsOriginal()
{
    const Reply reply = file(m_upload, m_owner);
    EXPECT_STATUS(reply, 200);
    QCOMPARE(reply.headers.value("content-type"), QByteArray("image/png"));
    QFile stored(m_server->dataDir() + QStringLiteral("/storage/%1/uploads/%2.png").arg(m_owner.id, m_upload));
    QVERIFY(stored.open(QIODevice::ReadOnly));
    QCOMPARE(reply.body, stored.readAll());
    const QString sha = m_data->scalar(QStringLiteral("SELECT sha256 FROM uploads WHERE id = ?"), {m_upload}).toString();
    QCOMPARE(reply.headers.value("etag"), '"' + sha.toLatin1() + '"');
    QVERIFY(reply.headers.value("cache-control").contains("private"));
    EXPECT_REPLY(file(m_upload, m_owner, QStringLiteral("full")), 200);
}

void TestApiUploadFiles::thumbnailIsSmallWebp()
{
    const Reply reply = file(m_upload, m_owner, QStringLiteral("thumb"));
    EXPECT_STATUS(reply, 200);
    QCOMPARE(reply.headers.value("content-type"), QByteArray("image/webp"));
    QVERIFY(reply.headers.value("etag").endsWith("-thumb\""));
    const QImage thumb = QImage::fromData(reply.body, "WEBP");
    QVERIFY(!thumb.isNull());
    QCOMPARE(thumb.width(), 512);
    QCOMPARE(thumb.height(), 256);
    // Made once and kept: the second answer is the same bytes.
    QCOMPARE(file(m_upload, m_owner, QStringLiteral("thumb")).body, reply.body);
}

void TestApiUploadFiles::notModifiedOnSameEtag()
{
    const QByteArray etag = file(m_upload, m_owner).headers.value("etag");
    const Reply again = file(m_upload, m_owner, {}, {{"If-None-Match", etag}});
    EXPECT_STATUS(again, 304);
    QVERIFY(again.body.isEmpty());
}

void TestApiUploadFiles::strangersGetNotFound()
{
    const Reply stranger = file(m_upload, m_stranger);
    EXPECT_STATUS(stranger, 404);
    QCOMPARE(stranger.code(), QStringLiteral("NOT_FOUND"));
    // Exactly what a missing upload gets, so existence does not leak.
    const Reply missing = file(newClientId(), m_stranger);
    EXPECT_STATUS(missing, 404);
    QCOMPARE(stranger.json.value(QStringLiteral("error")), missing.json.value(QStringLiteral("error")));
    EXPECT_REPLY(file(QStringLiteral("not-a-uuid"), m_owner), 404);
    EXPECT_REPLY(file(m_upload, m_stranger, QStringLiteral("thumb")), 404);
}

void TestApiUploadFiles::viewersOfAReferencingGenerationMayRead()
{
    const QString reference = upload(m_owner, pngBytes(64, 64));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("With references"), true);
    const QString session = firstSession(*m_client, m_owner, project);
    QVERIFY(!session.isEmpty());
    EXPECT_REPLY(addMember(*m_client, m_owner, project, m_member, QStringLiteral("viewer")), 200);
    EXPECT_REPLY(file(reference, m_member), 404); // nothing uses it yet

    QJsonObject body = generateBody(session, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("1024"), QStringLiteral("gemini-image"));
    QJsonObject parameters = body.value(QStringLiteral("parameters")).toObject();
    parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray{reference});
    body.insert(QStringLiteral("parameters"), parameters);
    const Reply generated = m_client->post(QStringLiteral("/api/generate"), body, m_owner.accessToken);
    EXPECT_STATUS(generated, 202);
    const QString generation = generated.json.value(QStringLiteral("id")).toString();

    EXPECT_REPLY(file(reference, m_member), 200);
    EXPECT_REPLY(file(reference, m_member, QStringLiteral("thumb")), 200);
    EXPECT_REPLY(file(reference, m_stranger), 404);
    EXPECT_REPLY(file(m_upload, m_member), 404); // another of the owner's uploads stays hidden

    // The session made private hides the generation, and with it the reference.
    EXPECT_REPLY(m_client->patch(QStringLiteral("/api/sessions/") + session, {{QStringLiteral("isPrivate"), true}}, m_owner.accessToken), 200);
    EXPECT_REPLY(file(reference, m_member), 404);
    EXPECT_REPLY(m_client->patch(QStringLiteral("/api/sessions/") + session, {{QStringLiteral("isPrivate"), false}}, m_owner.accessToken), 200);
    EXPECT_REPLY(file(reference, m_member), 200);
    // So does unsharing the project.
    EXPECT_REPLY(m_client->patch(QStringLiteral("/api/projects/") + project, {{QStringLiteral("isShared"), false}}, m_owner.accessToken), 200);
    EXPECT_REPLY(file(reference, m_member), 404);
    EXPECT_REPLY(m_client->patch(QStringLiteral("/api/projects/") + project, {{QStringLiteral("isShared"), true}}, m_owner.accessToken), 200);
    EXPECT_REPLY(file(reference, m_member), 200);
    // And deleting the generation that used it.
    EXPECT_REPLY(m_client->del(QStringLiteral("/api/generations/") + generation, m_owner.accessToken), 204);
    EXPECT_REPLY(file(reference, m_member), 404);
    EXPECT_REPLY(file(reference, m_owner), 200);
}

void TestApiUploadFiles::badVariantIsRefused()
{
    const Reply reply = file(m_upload, m_owner, QStringLiteral("huge"));
    EXPECT_STATUS(reply, 400);
    QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
}

QTEST_MAIN(TestApiUploadFiles)
#include "tst_api_uploadfiles.moc"
