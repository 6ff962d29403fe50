// KeptImages on a real object store: what an earlier attempt kept is found again, checked by
// decoding, and merged under this attempt's images without leaving a second file for an output.
#include "backend/generation/keptimages.h"
#include "backend/providers/sketchprovider.h"
#include "backend/storage/objectstore.h"

#include <QBuffer>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper::backend;

namespace {
const QString kUser = QStringLiteral("0190a0b0-0000-7000-8000-000000000001");
const QString kGeneration = QStringLiteral("0190a0b0-0000-7000-8000-0000000000aa");

GeneratedImage made(int index, const char *format, int seed)
{
    const QImage picture = SketchProvider::render(QStringLiteral("kept"), seed, 0, ImageSize{64, 48});
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    picture.save(&buffer, format);
    GeneratedImage image;
    if (!decodeProviderImage(bytes, &image))
        qFatal("test image does not decode");
    image.index = index;
    return image;
}

QStringList files(const ObjectStore &store)
{
    QStringList names;
    for (const QString &key : store.generationKeys(kUser, kGeneration))
        names << key.section(QLatin1Char('/'), -1);
    return names;
}
} // namespace

class TestKeptImages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keptImagesComeBack();
    void unusableFilesAreDropped();
    void mergePrefersThisAttempt();
};

void TestKeptImages::keptImagesComeBack()
{
    QTemporaryDir root;
    ObjectStore store(root.path());
    KeptImages kept(store, kUser, kGeneration);
    QVERIFY(kept.load(4).isEmpty()); // nothing stored yet, and no folder either
    QVERIFY(kept.keep(made(2, "PNG", 1)));
    QVERIFY(kept.keep(made(0, "JPEG", 2)));
    QVERIFY(store.put(ObjectStore::thumbnailKey(kUser, kGeneration, 0), "thumb", nullptr));

    const QMap<int, GeneratedImage> again = KeptImages(store, kUser, kGeneration).load(4);
    QCOMPARE(again.keys(), (QList<int>{0, 2}));
    QCOMPARE(again.value(0).mime, QStringLiteral("image/jpeg"));
    QCOMPARE(again.value(2).mime, QStringLiteral("image/png"));
    QCOMPARE(again.value(2).width, 64);
    QCOMPARE(again.value(2).height, 48);
    QCOMPARE(again.value(2).bytes, made(2, "PNG", 1).bytes);
    QCOMPARE(again.value(2).index, 2);
    QVERIFY(files(store).contains(QStringLiteral("0.thumb.webp"))); // thumbnails are not originals, and stay
}

void TestKeptImages::unusableFilesAreDropped()
{
    QTemporaryDir root;
    ObjectStore store(root.path());
    const QString folder = kUser + QLatin1Char('/') + kGeneration + QLatin1Char('/');
    QVERIFY(store.put(folder + QStringLiteral("0.png"), "not an image", nullptr));          // half a download
    QVERIFY(store.put(folder + QStringLiteral("1.png"), made(1, "JPEG", 3).bytes, nullptr)); // wrong type for its name
    QVERIFY(store.put(folder + QStringLiteral("5.png"), made(5, "PNG", 4).bytes, nullptr));  // beyond what is asked now
    QVERIFY(store.put(folder + QStringLiteral("2.png"), made(2, "PNG", 5).bytes, nullptr));

    const QMap<int, GeneratedImage> loaded = KeptImages(store, kUser, kGeneration).load(4);
    QCOMPARE(loaded.keys(), (QList<int>{2}));
    QCOMPARE(files(store), (QStringList{QStringLiteral("2.png")}));
}

void TestKeptImages::mergePrefersThisAttempt()
{
    QTemporaryDir root;
    ObjectStore store(root.path());
    KeptImages kept(store, kUser, kGeneration);
    QVERIFY(kept.keep(made(0, "PNG", 6)));
    QVERIFY(kept.keep(made(1, "PNG", 7)));
    const QMap<int, GeneratedImage> earlier = kept.load(3);
    QCOMPARE(earlier.size(), 2);

    // A provider that made everything again (it ignores keptIndexes) as JPEG; one without an index
    // takes its place in the list; one beyond the count is dropped.
    GeneratedImage unindexed = made(-1, "PNG", 8);
    unindexed.index = -1;
    const QList<GeneratedImage> fresh{unindexed, made(1, "JPEG", 9), made(7, "PNG", 10)};
    const QList<GeneratedImage> merged = kept.merge(earlier, fresh, 3);
    QCOMPARE(merged.size(), 2);
    QCOMPARE(merged.at(0).index, 0);
    QCOMPARE(merged.at(0).bytes, unindexed.bytes);
    QCOMPARE(merged.at(1).index, 1);
    QCOMPARE(merged.at(1).mime, QStringLiteral("image/jpeg"));
    // The PNG kept for output 1 is gone, as the JPEG will be stored under 1.jpg.
    QCOMPARE(files(store), (QStringList{QStringLiteral("0.png")}));

    // Gaps stay gaps: kept 0 and 2, this attempt made 1.
    QVERIFY(kept.keep(made(2, "PNG", 11)));
    const QList<GeneratedImage> filled = kept.merge(kept.load(3), {made(1, "PNG", 12)}, 3);
    QCOMPARE(filled.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(filled.at(i).index, i);
}

QTEST_GUILESS_MAIN(TestKeptImages)
#include "tst_keptimages.moc"
