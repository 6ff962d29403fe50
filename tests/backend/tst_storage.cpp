// Object store (key safety, atomic writes, symlinks, removal), WebP thumbnails and the decode
// check of uploads. In-process, no server; the sketch provider has tst_sketch.
#include "backend/providers/sketchprovider.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QImageReader>
#include <QTest>
#include <QtEndian>
#include <csignal>
#include <sys/resource.h>
#include <unistd.h>

using namespace vesper::backend;

namespace {

QByteArray encode(const QImage &image, const char *format)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

QImage sample(int width, int height)
{
    return SketchProvider::render(QStringLiteral("teal sunset over the sea"), 7, 0, ImageSize{width, height});
}

QStringList entries(const QString &folder)
{
    return QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace

class TestStorage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keySafety_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("safe");
        QTest::newRow("original") << ObjectStore::originalKey(QStringLiteral("u1"), QStringLiteral("g-1"), 0) << true;
        QTest::newRow("thumbnail") << ObjectStore::thumbnailKey(QStringLiteral("u1"), QStringLiteral("g_1"), 3) << true;
        QTest::newRow("single") << QStringLiteral("file.png") << true;
        QTest::newRow("255") << QString(255, QLatin1Char('a')) << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("dotdot") << QStringLiteral("../x") << false;
        QTest::newRow("traversal") << QStringLiteral("a/../../etc/passwd") << false;
        QTest::newRow("dot") << QStringLiteral("a/./b") << false;
        QTest::newRow("absolute") << QStringLiteral("/abs") << false;
        QTest::newRow("backslash") << QStringLiteral("a\\b") << false;
        QTest::newRow("empty segment") << QStringLiteral("a//b") << false;
        QTest::newRow("trailing slash") << QStringLiteral("a/b/") << false;
        QTest::newRow("unicode") << QStringLiteral("a/caf\u00e9.png") << false;
        QTest::newRow("NUL") << QString::fromLatin1("a\0b", 3) << false;
        QTest::newRow("space") << QStringLiteral("a b") << false;
        QTest::newRow("300 chars") << QString(300, QLatin1Char('a')) << false;
        QTest::newRow("256 chars") << QString(256, QLatin1Char('a')) << false;
        QTest::newRow("dotdot id") << ObjectStore::originalKey(QStringLiteral(".."), QStringLiteral("g"), 0) << false;
    }
    void keySafety()
    {
        QFETCH(QString, key);
        QFETCH(bool, safe);
        QCOMPARE(ObjectStore::isSafeKey(key), safe);
        QTemporaryDir dir;
        ObjectStore store(dir.path());
        const QString path = store.pathFor(key);
        QCOMPARE(path.isEmpty(), !safe);
        if (safe)
            QVERIFY(path.startsWith(QDir(dir.path()).absolutePath() + QLatin1Char('/')));
        QString error;
        QCOMPARE(store.put(key, "x", &error), safe);
        QCOMPARE(error.isEmpty(), safe);
    }
    void keysFollowTheDesign()
    {
        QCOMPARE(ObjectStore::originalKey(QStringLiteral("u"), QStringLiteral("g"), 2), QStringLiteral("u/g/2.png"));
        QCOMPARE(ObjectStore::originalKey(QStringLiteral("u"), QStringLiteral("g"), 0, QStringLiteral("image/jpeg")), QStringLiteral("u/g/0.jpg"));
        QCOMPARE(ObjectStore::originalKey(QStringLiteral("u"), QStringLiteral("g"), 1, QStringLiteral("image/webp")), QStringLiteral("u/g/1.webp"));
        QCOMPARE(ObjectStore::thumbnailKey(QStringLiteral("u"), QStringLiteral("g"), 2), QStringLiteral("u/g/2.thumb.webp"));
    }
    void roundTrip()
    {
        QTemporaryDir dir;
        ObjectStore store(dir.path() + QStringLiteral("/not/yet/there"));
        const QString key = ObjectStore::originalKey(QStringLiteral("u1"), QStringLiteral("g1"), 0);
        QVERIFY(!store.exists(key));
        QVERIFY(!store.get(key).has_value());
        QByteArray bytes(100000, '\0');
        for (int i = 0; i < bytes.size(); ++i)
            bytes[i] = char(i * 31);
        QString error;
        QVERIFY2(store.put(key, bytes, &error), qPrintable(error));
        QVERIFY(store.exists(key));
        QCOMPARE(store.get(key).value(), bytes);
        QCOMPARE(QFile::permissions(store.pathFor(key)) & 0x0077, QFileDevice::Permissions()); // owner only
        QVERIFY(QFile::permissions(store.pathFor(key)).testFlag(QFileDevice::ReadOwner));
        // Overwrite, then the folder holds the final file and no temporary.
        QVERIFY(store.put(key, "second", &error));
        QCOMPARE(store.get(key).value(), QByteArray("second"));
        QCOMPARE(entries(QFileInfo(store.pathFor(key)).path()), QStringList{QStringLiteral("0.png")});
        QVERIFY(store.remove(key));
        QVERIFY(!store.exists(key));
        QVERIFY(store.remove(key)); // already gone counts as gone
        QVERIFY(!store.remove(QStringLiteral("../x")));
    }
    void failedPutLeavesNothing()
    {
        QTemporaryDir dir;
        ObjectStore store(dir.path());
        // The folder where the generation should go is a file: mkpath fails (works even as root).
        QFile blocker(dir.path() + QStringLiteral("/u1"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QString error;
        QVERIFY(!store.put(QStringLiteral("u1/g1/0.png"), "data", &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(entries(dir.path()), QStringList{QStringLiteral("u1")});
        // The key names a folder: the open fails and no temporary is left beside it.
        QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("u2/g2/0.png")));
        QVERIFY(!store.put(QStringLiteral("u2/g2/0.png"), "data", &error));
        QCOMPARE(entries(dir.path() + QStringLiteral("/u2/g2")), QStringList{QStringLiteral("0.png")});
        // A read-only folder (root ignores permissions, so only checked for other users).
        const QString readOnly = dir.path() + QStringLiteral("/u3/g3");
        QVERIFY(QDir().mkpath(readOnly));
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::ExeOwner);
        if (::geteuid() != 0) {
            QVERIFY(!store.put(QStringLiteral("u3/g3/0.png"), "data", &error));
            QCOMPARE(entries(readOnly), QStringList());
        }
        QFile::setPermissions(readOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    }
    void writeFailingMidwayKeepsTheOldFile()
    {
        // A file-size limit makes the write fail halfway through, as a full disk would: the key
        // must keep its previous bytes and no temporary may be left beside it.
        QTemporaryDir dir;
        ObjectStore store(dir.path());
        const QString key = QStringLiteral("u1/g1/0.png");
        QString error;
        QVERIFY(store.put(key, "previous", &error));
        rlimit saved{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &saved), 0);
        const auto previousHandler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit limited = saved;
        limited.rlim_cur = 64 * 1024;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limited), 0);
        const bool written = store.put(key, QByteArray(1024 * 1024, 'x'), &error);
        ::setrlimit(RLIMIT_FSIZE, &saved);
        std::signal(SIGXFSZ, previousHandler);
        QVERIFY(!written);
        QVERIFY(!error.isEmpty());
        QCOMPARE(store.get(key).value(), QByteArray("previous"));
        QCOMPARE(entries(dir.path() + QStringLiteral("/u1/g1")), QStringList{QStringLiteral("0.png")});
    }
    void symlinkOutOfTheRootIsRefused()
    {
        QTemporaryDir dir;
        QTemporaryDir outside;
        ObjectStore store(dir.path());
        QVERIFY(QFile::link(outside.path(), dir.path() + QStringLiteral("/u1")));
        QString error;
        QVERIFY(store.pathFor(QStringLiteral("u1/g1/0.png")).isEmpty());
        QVERIFY(!store.put(QStringLiteral("u1/g1/0.png"), "data", &error));
        QVERIFY(!store.removeGeneration(QStringLiteral("u1"), QStringLiteral("g1")));
        QCOMPARE(entries(outside.path()), QStringList());
    }
    void rootMayBeALink()
    {
        // A storage root that is itself a link (a mounted volume) is fine; only links below it are checked.
        QTemporaryDir real;
        QTemporaryDir holder;
        const QString link = holder.path() + QStringLiteral("/storage");
        QVERIFY(QFile::link(real.path(), link));
        ObjectStore store(link);
        QString error;
        QVERIFY2(store.put(QStringLiteral("u1/g1/0.png"), "data", &error), qPrintable(error));
        QCOMPARE(store.get(QStringLiteral("u1/g1/0.png")).value(), QByteArray("data"));
        QVERIFY(QFileInfo::exists(real.path() + QStringLiteral("/u1/g1/0.png")));
        QVERIFY(store.removeGeneration(QStringLiteral("u1"), QStringLiteral("g1")));
    }
    void removeGeneration()
    {
        QTemporaryDir dir;
        ObjectStore store(dir.path());
        QString error;
        for (int i = 0; i < 3; ++i) {
            QVERIFY(store.put(ObjectStore::originalKey(QStringLiteral("u1"), QStringLiteral("g1"), i), "png", &error));
            QVERIFY(store.put(ObjectStore::thumbnailKey(QStringLiteral("u1"), QStringLiteral("g1"), i), "webp", &error));
        }
        QVERIFY(store.put(ObjectStore::originalKey(QStringLiteral("u1"), QStringLiteral("g2"), 0), "png", &error));
        QVERIFY(!store.removeGeneration(QStringLiteral(".."), QStringLiteral("g1")));
        QVERIFY(!store.removeGeneration(QStringLiteral("u1"), QStringLiteral("..")));
        QVERIFY(!store.removeGeneration(QStringLiteral("u1"), QStringLiteral("g1/0.png")));
        QVERIFY(!store.removeGeneration(QString(), QStringLiteral("g1")));
        QVERIFY(!store.removeGeneration(QStringLiteral("u1"), QString()));
        QVERIFY(store.exists(QStringLiteral("u1/g1/0.png")));
        QVERIFY(store.removeGeneration(QStringLiteral("u1"), QStringLiteral("g1")));
        QVERIFY(!QFileInfo::exists(dir.path() + QStringLiteral("/u1/g1")));
        QVERIFY(store.exists(QStringLiteral("u1/g2/0.png")));
        QVERIFY(store.removeGeneration(QStringLiteral("u1"), QStringLiteral("g1"))); // idempotent
    }
    void thumbnailIsWebp()
    {
        const QByteArray png = encode(sample(1024, 576), "PNG");
        QString error;
        const QByteArray thumb = makeThumbnail(png, ThumbnailSide, &error);
        QVERIFY2(!thumb.isEmpty(), qPrintable(error));
        QVERIFY(thumb.startsWith("RIFF"));
        QCOMPARE(thumb.mid(8, 4), QByteArray("WEBP"));
        const QImage image = QImage::fromData(thumb, "WEBP");
        QCOMPARE(image.size(), QSize(512, 288));
        // Portrait keeps its aspect too, and the decoded-image overload gives the same size.
        const QByteArray portrait = makeThumbnail(sample(576, 1024), ThumbnailSide, &error);
        QCOMPARE(QImage::fromData(portrait, "WEBP").size(), QSize(288, 512));
    }
    void thumbnailOfJpeg()
    {
        // JPEGs are decoded at reduced size; the result must still be exactly 512 on its long side.
        QString error;
        const QByteArray thumb = makeThumbnail(encode(sample(1000, 1500), "JPEG"), ThumbnailSide, &error);
        QVERIFY2(!thumb.isEmpty(), qPrintable(error));
        QCOMPARE(QImage::fromData(thumb, "WEBP").size(), QSize(341, 512));
    }
    void thumbnailNeverUpscales()
    {
        QString error;
        const QByteArray thumb = makeThumbnail(encode(sample(200, 100), "PNG"), ThumbnailSide, &error);
        QCOMPARE(QImage::fromData(thumb, "WEBP").size(), QSize(200, 100));
    }
    void thumbnailOfGarbageFails()
    {
        QString error;
        QVERIFY(makeThumbnail(QByteArray("definitely not an image"), ThumbnailSide, &error).isEmpty());
        QVERIFY(!error.isEmpty());
        error.clear();
        QVERIFY(makeThumbnail(QByteArray(), ThumbnailSide, &error).isEmpty());
        QVERIFY(!error.isEmpty());
        error.clear();
        QVERIFY(makeThumbnail(QImage(), ThumbnailSide, &error).isEmpty());
        QVERIFY(!error.isEmpty());
    }
    void thumbnailRefusesDecompressionBombs()
    {
        // A few hundred bytes whose header claims 9000 × 9000 (each side under the 12,000 cap, 81 MP
        // in all): refused from the header, before 324 MB of pixels are allocated.
        QByteArray bytes = encode(sample(4, 4), "PNG");
        QVERIFY(bytes.size() > 33 && bytes.mid(12, 4) == "IHDR");
        qToBigEndian<quint32>(9000, bytes.data() + 16);
        qToBigEndian<quint32>(9000, bytes.data() + 20);
        quint32 crc = 0xffffffffu; // the chunk's CRC-32 over its type and data, as PNG readers check it
        for (int i = 12; i < 29; ++i) {
            crc ^= quint8(bytes.at(i));
            for (int bit = 0; bit < 8; ++bit)
                crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
        qToBigEndian<quint32>(~crc, bytes.data() + 29);
        QBuffer header(&bytes);
        QCOMPARE(QImageReader(&header).size(), QSize(9000, 9000)); // the header itself reads
        QString error;
        QVERIFY(makeThumbnail(bytes, ThumbnailSide, &error).isEmpty());
        QVERIFY2(error.contains(QStringLiteral("9000 × 9000 pixels, more than")), qPrintable(error)); // refused from the header
    }
    void decodeImageInfoAcceptsOnlyPngJpegWebp()
    {
        const QImage image = sample(320, 200);
        int width = 0, height = 0;
        QString format;
        const struct { const char *writer; const char *name; } accepted[] = {{"PNG", "png"}, {"JPEG", "jpeg"}, {"WEBP", "webp"}};
        for (const auto &entry : accepted) {
            const QByteArray bytes = encode(image, entry.writer);
            QVERIFY2(!bytes.isEmpty(), entry.writer);
            QVERIFY2(decodeImageInfo(bytes, &width, &height, &format), entry.writer);
            QCOMPARE(width, 320);
            QCOMPARE(height, 200);
            QCOMPARE(format, QString::fromLatin1(entry.name));
        }
        const QByteArray png = encode(image, "PNG");
        QVERIFY(!decodeImageInfo(png.left(png.size() / 2), &width, &height, &format));
        QVERIFY(!decodeImageInfo(png.left(40), &width, &height, &format));
        QVERIFY(!decodeImageInfo(QByteArray("hello, this is text\n"), &width, &height, &format));
        QVERIFY(!decodeImageInfo(QByteArray(), &width, &height, &format));
        const QByteArray gif = QByteArray::fromBase64("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");
        QVERIFY2(!QImage::fromData(gif).isNull(), "the GIF sample itself decodes");
        QVERIFY(!decodeImageInfo(gif, &width, &height, &format));
        QVERIFY(!decodeImageInfo(encode(image, "BMP"), &width, &height, &format));
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
