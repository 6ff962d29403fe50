// POST /api/uploads: PNG, JPEG and WebP accepted by decoding whatever the Content-Type says, stored
// re-encoded with no metadata under the uploader's key; anything else, an empty body, no token and an
// oversize body refused.
#include "apifixtures.h"
#include "generationfixture.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QImageReader>
#include <QImageWriter>
#include <QJsonArray>
#include <QTest>

using namespace vesper::test;

namespace {
constexpr int kMaxUpload = 65536;

/// A small gradient, so every encoder has real pixels to write.
QImage picture(int width = 64, int height = 48)
{
    QImage image(width, height, QImage::Format_RGB32);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x)
            image.setPixel(x, y, qRgb(x * 4, y * 5, 128));
    }
    return image;
}

/// The image encoded as format, with a "Secret" text entry where the format carries one.
QByteArray encode(QImage image, const QByteArray &format, bool withSecret = false)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QImageWriter writer(&buffer, format);
    if (withSecret) {
        image.setText(QStringLiteral("Secret"), QStringLiteral("GPS-data"));
        writer.setText(QStringLiteral("Secret"), QStringLiteral("GPS-data"));
    }
    writer.write(image);
    return bytes;
}

/// The smallest GIF: a decodable image of a format uploads do not take.
QByteArray gifBytes()
{
    static const char gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00"
                              ",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00;";
    return QByteArray(gif, sizeof(gif) - 1);
}
} // namespace

class TestApiUploads : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void acceptsImages_data();
    void acceptsImages();
    void refusesOtherBodies();
    void refusesWithoutToken();
    void refusesOversize();
    void appliesExifOrientation();
    void referencesMustBeOwnUploads();

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    TestUser m_user;
};

void TestApiUploads::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_MAX_UPLOAD"), QString::number(kMaxUpload));
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    // A model that takes reference images, configured against a port where nothing listens: these
    // tests check what generate accepts, not what the provider does with it.
    m_server->setEnv(QStringLiteral("GEMINI_API_KEY"), QStringLiteral("test-key"));
    m_server->setEnv(QStringLiteral("VESPER_GEMINI_URL"), QStringLiteral("http://127.0.0.1:1"));
    m_server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    m_user = m_client->signUp(QStringLiteral("uploader@uploads.example.com"));
    QVERIFY(!m_user.id.isEmpty());
}

void TestApiUploads::acceptsImages_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("mime");
    QTest::addColumn<QString>("extension");
    QTest::newRow("png") << QByteArray("png") << QByteArray("image/png") << QStringLiteral("image/png") << QStringLiteral("png");
    QTest::newRow("jpeg") << QByteArray("jpeg") << QByteArray("image/jpeg") << QStringLiteral("image/jpeg") << QStringLiteral("jpg");
    QTest::newRow("webp") << QByteArray("webp") << QByteArray("image/webp") << QStringLiteral("image/webp") << QStringLiteral("webp");
    // The content decides, not the declared type.
    QTest::newRow("png as octet-stream") << QByteArray("png") << QByteArray("application/octet-stream") << QStringLiteral("image/png")
                                         << QStringLiteral("png");
}

void TestApiUploads::acceptsImages()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, mime);
    QFETCH(QString, extension);
    const QByteArray original = encode(picture(), format, true);
    QVERIFY(!original.isEmpty());
    if (format != "webp")
        QVERIFY2(original.contains("GPS-data"), "the test image should carry the secret before upload");

    const Reply reply = m_client->send("POST", QStringLiteral("/api/uploads"), original, m_user.accessToken,
                                       {{"Content-Type", contentType}});
    QCOMPARE_EQ(reply.status, 201);
    const QString id = reply.json.value(QStringLiteral("id")).toString();
    QVERIFY(!id.isEmpty());
    QCOMPARE(reply.json.value(QStringLiteral("mime")).toString(), mime);
    QCOMPARE(reply.json.value(QStringLiteral("width")).toInt(), 64);
    QCOMPARE(reply.json.value(QStringLiteral("height")).toInt(), 48);
    QCOMPARE(reply.json.value(QStringLiteral("sha256")).toString().size(), 64);
    QVERIFY(!reply.json.value(QStringLiteral("createdAt")).toString().isEmpty());

    QFile file(m_server->dataDir() + QStringLiteral("/storage/%1/uploads/%2.%3").arg(m_user.id, id, extension));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
    const QByteArray stored = file.readAll();
    QCOMPARE(reply.json.value(QStringLiteral("bytes")).toInteger(), stored.size());
    QVERIFY2(!stored.contains("GPS-data"), "metadata survived the upload");
    QVERIFY(!stored.contains("Secret"));
    const QImage decoded = QImage::fromData(stored);
    QVERIFY(!decoded.isNull());
    QCOMPARE(decoded.size(), QSize(64, 48));

    const QVariant owner = m_data->scalar(QStringLiteral("SELECT user_id FROM uploads WHERE id = ?"), {id});
    QCOMPARE(owner.toString(), m_user.id);
    const QVariant key = m_data->scalar(QStringLiteral("SELECT storage_key FROM uploads WHERE id = ?"), {id});
    QCOMPARE(key.toString(), QStringLiteral("%1/uploads/%2.%3").arg(m_user.id, id, extension));
}

void TestApiUploads::refusesOtherBodies()
{
    const QByteArray png = encode(picture(), "png");
    const auto expect400 = [this](const QByteArray &body, const QByteArray &contentType, const char *what) {
        const Reply reply = m_client->send("POST", QStringLiteral("/api/uploads"), body, m_user.accessToken,
                                           {{"Content-Type", contentType}});
        QVERIFY2(reply.status == 400 && reply.code() == QLatin1String("VALIDATION_ERROR"), qPrintable(QString::fromLatin1(what) + QLatin1Char(' ') + describe(reply)));
    };
    expect400("just some words, not a picture", "text/plain", "text");
    expect400(png.left(png.size() / 2), "image/png", "truncated png");
    expect400(gifBytes(), "image/png", "gif");
    expect400({}, "image/png", "empty body");
    const Reply text = m_client->send("POST", QStringLiteral("/api/uploads"), "hello", m_user.accessToken, {{"Content-Type", "image/jpeg"}});
    QCOMPARE(text.json.value(QStringLiteral("error")).toString(), QStringLiteral("not a PNG, JPEG or WebP image"));
    const qint64 rows = m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = ?"), {m_user.id}).toLongLong();
    QCOMPARE(rows, QDir(m_server->dataDir() + QStringLiteral("/storage/") + m_user.id + QStringLiteral("/uploads")).entryList(QDir::Files).size());
}

void TestApiUploads::refusesWithoutToken()
{
    const Reply reply = m_client->send("POST", QStringLiteral("/api/uploads"), encode(picture(), "png"), QString(),
                                       {{"Content-Type", "image/png"}});
    QCOMPARE(reply.status, 401);
}

void TestApiUploads::refusesOversize()
{
    const QByteArray body(kMaxUpload * 3, 'x');
    const QByteArray head = requestHead("POST", "/api/uploads", m_user.accessToken, body.size());
    const RawReply reply = rawExchange(m_server->port(), head, body, 15000);
    QVERIFY2(reply.status == 413, qPrintable(describe(reply)));
}

void TestApiUploads::appliesExifOrientation()
{
    // A camera held upright writes landscape pixels plus "rotate 90°" (orientation 6) in EXIF. Qt's
    // writer does not write EXIF, so the APP1 segment is spliced in after the JPEG's start marker.
    QByteArray jpeg = encode(picture(64, 48), "jpeg");
    static const char exif[] = "\xff\xe1\x00\x22" "Exif\x00\x00" "MM\x00\x2a\x00\x00\x00\x08" "\x00\x01"
                               "\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00" "\x00\x00\x00\x00";
    jpeg.insert(2, QByteArray(exif, sizeof(exif) - 1));
    QBuffer source(&jpeg);
    QImageReader check(&source);
    check.setAutoTransform(true);
    QCOMPARE(check.read().size(), QSize(48, 64)); // the test image itself is right

    const Reply reply = m_client->send("POST", QStringLiteral("/api/uploads"), jpeg, m_user.accessToken, {{"Content-Type", "image/jpeg"}});
    QCOMPARE_EQ(reply.status, 201);
    QCOMPARE(reply.json.value(QStringLiteral("width")).toInt(), 48);
    QCOMPARE(reply.json.value(QStringLiteral("height")).toInt(), 64);
    QFile file(m_server->dataDir() + QStringLiteral("/storage/%1/uploads/%2.jpg").arg(m_user.id, reply.json.value(QStringLiteral("id")).toString()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray stored = file.readAll();
    QVERIFY2(!stored.contains("Exif"), "the stored image still carries EXIF");
    QImageReader raw(&file);
    file.seek(0);
    raw.setAutoTransform(false); // the pixels themselves must stand upright
    QCOMPARE(raw.read().size(), QSize(48, 64));
}

void TestApiUploads::referencesMustBeOwnUploads()
{
    const TestUser other = m_client->signUp(QStringLiteral("other@uploads.example.com"));
    const auto uploadAs = [this](const TestUser &user) {
        return m_client->send("POST", QStringLiteral("/api/uploads"), encode(picture(), "png"), user.accessToken,
                              {{"Content-Type", "image/png"}}).json.value(QStringLiteral("id")).toString();
    };
    const QString mine = uploadAs(m_user);
    const QString theirs = uploadAs(other);
    QVERIFY(!mine.isEmpty() && !theirs.isEmpty());
    const QString session = firstSession(*m_client, m_user, createProject(*m_client, m_user, QStringLiteral("Refs"), false));
    QVERIFY(!session.isEmpty());
    const auto generate = [&](const QString &model, const QJsonValue &references) {
        QJsonObject body = generateBody(session, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("1024"), model);
        QJsonObject parameters = body.value(QStringLiteral("parameters")).toObject();
        parameters.insert(QStringLiteral("referenceUploadIds"), references);
        body.insert(QStringLiteral("parameters"), parameters);
        return m_client->post(QStringLiteral("/api/generate"), body, m_user.accessToken);
    };
    const QString gemini = QStringLiteral("gemini-image");
    struct Case {
        const char *name;
        QString model;
        QJsonValue references;
        QString message;
    };
    const QList<Case> refused{
        {"someone else's upload", gemini, QJsonArray{theirs}, QStringLiteral("no such upload")},
        {"one of mine and one of theirs", gemini, QJsonArray{mine, theirs}, QStringLiteral("no such upload")},
        {"an unknown id", gemini, QJsonArray{newClientId()}, QStringLiteral("no such upload")},
        {"a path", gemini, QJsonArray{QStringLiteral("../../etc/passwd")}, QStringLiteral("no such upload")},
        {"a number", gemini, QJsonArray{42}, QStringLiteral("no such upload")},
        {"not an array", gemini, mine, QStringLiteral("must be an array")},
        {"twice", gemini, QJsonArray{mine, mine}, QStringLiteral("twice")},
        {"too many", gemini, QJsonArray{mine, mine, mine, mine}, QStringLiteral("at most 3")},
        {"a model without references", QStringLiteral("sketch"), QJsonArray{mine}, QStringLiteral("no reference images")},
    };
    for (const Case &c : refused) {
        const Reply reply = generate(c.model, c.references);
        QVERIFY2(reply.status == 400 && reply.json.value(QStringLiteral("error")).toString().contains(c.message),
                 qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(c.name), describe(reply))));
    }
    // Where DESIGN §4 does not put them: refused, not ignored.
    QJsonObject topLevel = generateBody(session, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("1024"), gemini);
    topLevel.insert(QStringLiteral("referenceUploadIds"), QJsonArray{mine});
    const Reply misplaced = m_client->post(QStringLiteral("/api/generate"), topLevel, m_user.accessToken);
    QVERIFY2(misplaced.status == 400 && misplaced.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("belongs in parameters")),
             qPrintable(describe(misplaced)));
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations")).toInt(), 0);
    const Reply accepted = generate(gemini, QJsonArray{mine});
    QCOMPARE_EQ(accepted.status, 202);
    const QVariant parameters = m_data->scalar(QStringLiteral("SELECT parameters FROM generations WHERE id = ?"),
                                               {accepted.json.value(QStringLiteral("id")).toString()});
    QVERIFY2(parameters.toString().contains(mine), qPrintable(parameters.toString()));
}

QTEST_GUILESS_MAIN(TestApiUploads)
#include "tst_api_uploads.moc"
