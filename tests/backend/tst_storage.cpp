// Object store (key safety, atomic writes, removal), image sizes, the sketch provider (determinism,
// sizes, progress, cancellation) and thumbnails/decoding. In-process, no server.
#include "backend/generation/provider.h"
#include "backend/generation/providers/sketchprovider.h"
#include "backend/storage/objectstore.h"
#include "backend/storage/thumbnailer.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace vesper::backend;

namespace {

class RecordingSink : public ProgressSink {
public:
    void progress(int percent, bool estimate) override
    {
        values.append(percent);
        anyEstimate = anyEstimate || estimate;
    }
    bool cancelled() const override { return cancelAfter >= 0 && values.size() >= cancelAfter; }

    QList<int> values;
    bool anyEstimate = false;
    int cancelAfter = -1;
};

GenerationRequest request(const QString &prompt, qint64 seed, const QString &ratio = QStringLiteral("1:1"),
                          int resolution = 512, int outputs = 1)
{
    GenerationRequest r;
    r.prompt = prompt;
    r.seed = seed;
    r.aspectRatio = ratio;
    r.resolution = resolution;
    r.numOutputs = outputs;
    return r;
}

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
    void imageSizes_data()
    {
        QTest::addColumn<QString>("ratio");
        QTest::addColumn<int>("resolution");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::newRow("1:1 1024") << QStringLiteral("1:1") << 1024 << 1024 << 1024;
        QTest::newRow("16:9 1024") << QStringLiteral("16:9") << 1024 << 1024 << 576;
        QTest::newRow("9:16 1024") << QStringLiteral("9:16") << 1024 << 576 << 1024;
        QTest::newRow("16:9 512") << QStringLiteral("16:9") << 512 << 512 << 288;
        QTest::newRow("4:3 1024") << QStringLiteral("4:3") << 1024 << 1024 << 768;
        QTest::newRow("3:2 1000") << QStringLiteral("3:2") << 1000 << 1000 << 664;
        QTest::newRow("21:9 1024") << QStringLiteral("21:9") << 1024 << 1024 << 440;
        QTest::newRow("2:3 768") << QStringLiteral("2:3") << 768 << 512 << 768;
        QTest::newRow("64:1 64") << QStringLiteral("64:1") << 64 << 64 << 8;
        QTest::newRow("min") << QStringLiteral("1:1") << 64 << 64 << 64;
        QTest::newRow("max") << QStringLiteral("1:1") << 4096 << 4096 << 4096;
        QTest::newRow("too small") << QStringLiteral("1:1") << 63 << 0 << 0;
        QTest::newRow("too large") << QStringLiteral("1:1") << 4097 << 0 << 0;
        QTest::newRow("zero") << QStringLiteral("0:1") << 1024 << 0 << 0;
        QTest::newRow("negative") << QStringLiteral("-1:1") << 1024 << 0 << 0;
        QTest::newRow("huge term") << QStringLiteral("1000000:1") << 1024 << 0 << 0;
        QTest::newRow("no colon") << QStringLiteral("16x9") << 1024 << 0 << 0;
        QTest::newRow("empty") << QString() << 1024 << 0 << 0;
        QTest::newRow("spaces") << QStringLiteral(" 1:1") << 1024 << 0 << 0;
        QTest::newRow("two colons") << QStringLiteral("1:1:1") << 1024 << 0 << 0;
        QTest::newRow("decimal") << QStringLiteral("1.5:1") << 1024 << 0 << 0;
    }
    void imageSizes()
    {
        QFETCH(QString, ratio);
        QFETCH(int, resolution);
        QFETCH(int, width);
        QFETCH(int, height);
        const ImageSize size = imageSizeFor(ratio, resolution);
        QCOMPARE(size.width, width);
        QCOMPARE(size.height, height);
    }
    void sketchIsDeterministic()
    {
        SketchProvider provider;
        QCOMPARE(provider.id(), QStringLiteral("sketch"));
        RecordingSink a, b, c, d;
        const ProviderResult first = provider.generate(request(QStringLiteral("a lighthouse at night"), 42), a);
        const ProviderResult again = provider.generate(request(QStringLiteral("a lighthouse at night"), 42), b);
        const ProviderResult otherSeed = provider.generate(request(QStringLiteral("a lighthouse at night"), 43), c);
        const ProviderResult otherPrompt = provider.generate(request(QStringLiteral("a lighthouse at dawn"), 42), d);
        QVERIFY(first.ok && again.ok && otherSeed.ok && otherPrompt.ok);
        QCOMPARE(first.images.size(), 1);
        QVERIFY(first.images[0].bytes.startsWith("\x89PNG\r\n\x1a\n"));
        QCOMPARE(first.images[0].mime, QStringLiteral("image/png"));
        QCOMPARE(first.images[0].bytes, again.images[0].bytes);
        QVERIFY(first.images[0].bytes != otherSeed.images[0].bytes);
        QVERIFY(first.images[0].bytes != otherPrompt.images[0].bytes);
    }
    void sketchHonoursSizes_data()
    {
        QTest::addColumn<QString>("ratio");
        QTest::addColumn<int>("resolution");
        for (const int resolution : {512, 1024}) {
            for (const char *ratio : {"1:1", "16:9", "9:16"})
                QTest::addRow("%s %d", ratio, resolution) << QString::fromLatin1(ratio) << resolution;
        }
    }
    void sketchHonoursSizes()
    {
        QFETCH(QString, ratio);
        QFETCH(int, resolution);
        SketchProvider provider;
        RecordingSink sink;
        const ProviderResult result = provider.generate(request(QStringLiteral("forest"), 1, ratio, resolution), sink);
        QVERIFY(result.ok);
        const ImageSize expected = imageSizeFor(ratio, resolution);
        const QImage image = QImage::fromData(result.images[0].bytes, "PNG");
        QCOMPARE(image.size(), QSize(expected.width, expected.height));
        QCOMPARE(result.images[0].width, expected.width);
        QCOMPARE(result.images[0].height, expected.height);
    }
    void sketchHonoursCountAndReportsProgress()
    {
        SketchProvider provider;
        RecordingSink sink;
        const ProviderResult result = provider.generate(request(QStringLiteral("blue"), 5, QStringLiteral("1:1"), 256, 3), sink);
        QVERIFY(result.ok);
        QCOMPARE(result.images.size(), 3);
        QVERIFY(result.images[0].bytes != result.images[1].bytes);
        QVERIFY(result.images[1].bytes != result.images[2].bytes);
        QVERIFY(sink.values.size() >= 3 * SketchProvider::RenderPasses);
        for (int i = 1; i < sink.values.size(); ++i)
            QVERIFY2(sink.values[i] > sink.values[i - 1], "progress must only go up");
        QCOMPARE(sink.values.first(), 0);
        QCOMPARE(sink.values.last(), 100);
        QCOMPARE(sink.values.count(100), 1);
        QVERIFY(!sink.anyEstimate);
    }
    void sketchRefusesBadRequests()
    {
        SketchProvider provider;
        RecordingSink sink;
        QVERIFY(!provider.generate(request(QStringLiteral("x"), 1, QStringLiteral("0:1")), sink).ok);
        QVERIFY(!provider.generate(request(QStringLiteral("x"), 1, QStringLiteral("1:1"), 5000), sink).ok);
        const ProviderResult result = provider.generate(request(QStringLiteral("x"), 1, QStringLiteral("1:1"), 512, 0), sink);
        QVERIFY(!result.ok);
        QVERIFY(!result.transient);
        QVERIFY(!provider.generate(request(QStringLiteral("x"), 1, QStringLiteral("1:1"), 512, 99), sink).ok);
    }
    void sketchStopsWhenCancelled()
    {
        SketchProvider provider;
        RecordingSink sink;
        sink.cancelAfter = 4; // after a few passes of the first of four images
        const ProviderResult result = provider.generate(request(QStringLiteral("fire"), 9, QStringLiteral("1:1"), 512, 4), sink);
        QVERIFY(!result.ok);
        QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
        QVERIFY(result.images.isEmpty());
        QCOMPARE(sink.values.size(), 4);
        QVERIFY(sink.values.last() < 100);
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
