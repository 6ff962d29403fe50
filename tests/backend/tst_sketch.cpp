// Image sizes for aspect ratios, the sketch provider (determinism, sizes, count, progress,
// cancellation) and the PNG writer it uses. In-process, no server.
#include "backend/providers/provider.h"
#include "backend/providers/sketchprovider.h"
#include "backend/storage/pngencoder.h"

#include <QImage>
#include <QtConcurrent>
#include <QTest>

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

} // namespace

class TestSketch : public QObject {
    Q_OBJECT
private Q_SLOTS:
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
        QCOMPARE(result.images[0].image.convertToFormat(QImage::Format_RGB32), image.convertToFormat(QImage::Format_RGB32));
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
    void sketchIsThreadSafe()
    {
        // Workers render on a thread pool: parallel renders give the bytes a lone render gives.
        SketchProvider provider;
        RecordingSink sink;
        const QByteArray expected = provider.generate(request(QStringLiteral("violet night sky"), 11), sink).images[0].bytes;
        const QList<int> runs{0, 1, 2, 3, 4, 5, 6, 7};
        const QList<QByteArray> results = QtConcurrent::blockingMapped(runs, [](int) {
            SketchProvider local;
            RecordingSink localSink;
            const ProviderResult result = local.generate(request(QStringLiteral("violet night sky"), 11), localSink);
            return result.ok ? result.images[0].bytes : QByteArray();
        });
        for (const QByteArray &bytes : results)
            QCOMPARE(bytes, expected);
    }
    void pngEncoderRoundTrips()
    {
        const QImage opaque = SketchProvider::render(QStringLiteral("gold and navy"), 3, 0, ImageSize{301, 97});
        const QByteArray png = encodePng(opaque);
        QVERIFY(png.startsWith("\x89PNG\r\n\x1a\n"));
        QCOMPARE(QImage::fromData(png, "PNG").convertToFormat(QImage::Format_RGB32), opaque);
        QCOMPARE(encodePng(opaque), png);

        QImage translucent(64, 33, QImage::Format_ARGB32);
        for (int y = 0; y < translucent.height(); ++y) {
            for (int x = 0; x < translucent.width(); ++x)
                translucent.setPixel(x, y, qRgba(x * 4, y * 7, (x * y) % 256, (x + y) * 3 % 256));
        }
        const QImage decoded = QImage::fromData(encodePng(translucent), "PNG");
        QVERIFY(decoded.hasAlphaChannel());
        QCOMPARE(decoded.convertToFormat(QImage::Format_ARGB32), translucent);
        QVERIFY(encodePng(QImage()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSketch)
#include "tst_sketch.moc"
