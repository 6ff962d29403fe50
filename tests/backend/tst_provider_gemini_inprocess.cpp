// The Gemini adapter called in-process against the fake generateContent API, for what a server
// cannot show: reference images as inline data (and scaled down when large), the answers' shapes,
// thought parts skipped, refusal wording, and request validation and key errors in Google's words.
#include "fakegemini.h"
#include "geminitestkit.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace vesper::backend;
using namespace vesper::test;

class TestProviderGeminiInProcess : public QObject {
    Q_OBJECT

private:
    FakeGemini m_fake;
    ProviderSettings settings() const { return geminiSettings(m_fake); }

private Q_SLOTS:
    void initTestCase();
    void referenceImagesInProcess();
    void answersInProcess();
    void thoughtPartsAreSkipped();
    void requestValidationAndKeys();
    void largeReferencesAreScaledDown();
};

void TestProviderGeminiInProcess::initTestCase()
{
    QString reason;
    QVERIFY2(m_fake.start(&reason), qPrintable(reason));
}

void TestProviderGeminiInProcess::referenceImagesInProcess()
{
    m_fake.setScenario(FakeGemini::Scenario::Success);
    const ProviderSettings s = settings();
    GeminiProvider provider(s);
    GenerationRequest request;
    request.prompt = kPrompt;
    request.aspectRatio = QStringLiteral("3:4");
    request.seed = 7;
    const QByteArray png = encoded({64, 48}, Qt::red, "PNG");
    const QByteArray jpeg = encoded({40, 40}, Qt::green, "JPEG");
    request.referenceImages = {png, jpeg};
    TimedSink sink;
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.images.size(), 1);
    QCOMPARE(result.images.at(0).mime, QStringLiteral("image/png"));
    QCOMPARE(QSize(result.images.at(0).width, result.images.at(0).height), FakeGemini::sizeFor(QStringLiteral("3:4")));

    const QList<FakeGemini::Call> calls = m_fake.calls();
    QCOMPARE(calls.size(), 1);
    const QJsonArray parts = calls.at(0).body.value(QStringLiteral("contents")).toArray().at(0).toObject().value(QStringLiteral("parts")).toArray();
    QCOMPARE(parts.size(), 3);
    QCOMPARE(parts.at(0).toObject().value(QStringLiteral("text")).toString(), kPrompt);
    const QList<QPair<QString, QByteArray>> expected{{QStringLiteral("image/png"), png}, {QStringLiteral("image/jpeg"), jpeg}};
    for (int i = 0; i < 2; ++i) {
        const QJsonObject inlineData = parts.at(i + 1).toObject().value(QStringLiteral("inline_data")).toObject();
        QCOMPARE(inlineData.value(QStringLiteral("mime_type")).toString(), expected.at(i).first);
        QCOMPARE(QByteArray::fromBase64(inlineData.value(QStringLiteral("data")).toString().toLatin1()), expected.at(i).second);
    }
    QCOMPARE(calls.at(0).body.value(QStringLiteral("generationConfig")).toObject().value(QStringLiteral("seed")).toInteger(), 7);
}

void TestProviderGeminiInProcess::answersInProcess()
{
    const ProviderSettings s = settings();
    GeminiProvider provider(s);
    GenerationRequest request;
    request.prompt = kPrompt;
    request.seed = qint64(1) << 40; // beyond Gemini's int32 seed: folded, not refused

    m_fake.setScenario(FakeGemini::Scenario::SuccessJpeg); // inline_data / mime_type, JPEG bytes
    TimedSink sink;
    ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.images.at(0).mime, QStringLiteral("image/jpeg"));
    QVERIFY(result.images.at(0).bytes.startsWith("\xff\xd8\xff"));
    QCOMPARE(result.images.at(0).width, 1024);
    const qint64 seed = m_fake.calls().at(0).body.value(QStringLiteral("generationConfig")).toObject().value(QStringLiteral("seed")).toInteger(-1);
    QVERIFY2(seed >= 0 && seed < (qint64(1) << 31), qPrintable(QString::number(seed)));

    m_fake.setScenario(FakeGemini::Scenario::ImageSafety);
    result = provider.generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QVERIFY2(result.errorMessage.startsWith(QStringLiteral("Gemini made an image but withheld it under its content policy (IMAGE_SAFETY): "))
                 && result.errorMessage.contains(QStringLiteral("Prohibited Use policy")),
             qPrintable(result.errorMessage));

    // A wrong key: Google's message comes through, the key itself does not.
    ProviderSettings wrong = s;
    wrong.geminiKey = QStringLiteral("wrong-key-Xy81");
    GeminiProvider refused(wrong);
    m_fake.setScenario(FakeGemini::Scenario::Success);
    result = refused.generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("API key not valid")) && !result.errorMessage.contains(wrong.geminiKey),
             qPrintable(result.errorMessage));

    // Cancelled while two calls hang: back within about a second, nothing more asked for.
    m_fake.setScenario(FakeGemini::Scenario::Hang);
    request.numOutputs = 3;
    TimedSink cancelling(300);
    QElapsedTimer timer;
    timer.start();
    result = provider.generate(request, cancelling);
    QCOMPARE(result.errorCode, QStringLiteral("CANCELLED"));
    QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(m_fake.calls().size(), 2);
}

void TestProviderGeminiInProcess::thoughtPartsAreSkipped()
{
    // The draft (thought: true) comes first; the final picture is the one stored.
    m_fake.setScenario(FakeGemini::Scenario::Thoughts);
    GeminiProvider provider(settings());
    GenerationRequest request;
    request.prompt = kPrompt;
    TimedSink sink;
    const ProviderResult result = provider.generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    QCOMPARE(result.images.size(), 1);
    const QImage image = QImage::fromData(result.images.at(0).bytes);
    QCOMPARE(image.size(), QSize(1024, 1024));
    QVERIFY(image.pixelColor(2, 2) != FakeGemini::draftColour());
    QCOMPARE(image.pixelColor(512, 512), QColor(Qt::darkBlue));
}

void TestProviderGeminiInProcess::requestValidationAndKeys()
{
    GenerationRequest request;
    request.prompt = kPrompt;
    TimedSink sink;
    // An aspect ratio Gemini does not draw: its 400 INVALID_ARGUMENT, permanent, in its words.
    m_fake.setScenario(FakeGemini::Scenario::Success);
    request.aspectRatio = QStringLiteral("7:3");
    ProviderResult result = GeminiProvider(settings()).generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("Unsupported aspect ratio: 7:3")), qPrintable(result.errorMessage));
    QCOMPARE(m_fake.calls().at(0).status, 400);

    // A blocked key: 403 PERMISSION_DENIED, permanent, Google's reason shown, the key not.
    request.aspectRatio = QStringLiteral("1:1");
    ProviderSettings blocked = settings();
    blocked.geminiKey = FakeGemini::blockedKey();
    result = GeminiProvider(blocked).generate(request, sink);
    QVERIFY(!result.ok && !result.transient);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("HTTP 403")) && result.errorMessage.contains(QStringLiteral("reported as leaked"))
                 && !result.errorMessage.contains(FakeGemini::blockedKey()),
             qPrintable(result.errorMessage));
}

void TestProviderGeminiInProcess::largeReferencesAreScaledDown()
{
    // Three 4000×3000 camera JPEGs: sent whole they pass Gemini's 20 MB inline limit (the fake then
    // answers 400); scaled to 2048 on the longest side they fit.
    QImage photo(4000, 3000, QImage::Format_RGB32);
    quint32 state = 12345;
    for (int y = 0; y < photo.height(); ++y) {
        auto *line = reinterpret_cast<QRgb *>(photo.scanLine(y));
        for (int x = 0; x < photo.width(); ++x) {
            state = state * 1664525u + 1013904223u;
            line[x] = qRgb(x * 255 / 4000, y * 255 / 3000, int(state >> 24));
        }
    }
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    QVERIFY(photo.save(&buffer, "JPEG", 95));
    QVERIFY2(jpeg.size() * 3 * 4 / 3 > 20 * 1024 * 1024, qPrintable(QString::number(jpeg.size()))); // would not fit whole

    m_fake.setScenario(FakeGemini::Scenario::Success);
    GenerationRequest request;
    request.prompt = kPrompt;
    request.referenceImages = {jpeg, jpeg, jpeg};
    TimedSink sink;
    const ProviderResult result = GeminiProvider(settings()).generate(request, sink);
    QVERIFY2(result.ok, qPrintable(result.errorMessage));
    const QJsonArray parts = m_fake.calls().at(0).body.value(QStringLiteral("contents")).toArray().at(0).toObject().value(QStringLiteral("parts")).toArray();
    QCOMPARE(parts.size(), 4);
    for (int i = 1; i < 4; ++i) {
        const QJsonObject inlineData = parts.at(i).toObject().value(QStringLiteral("inline_data")).toObject();
        QCOMPARE(inlineData.value(QStringLiteral("mime_type")).toString(), QStringLiteral("image/jpeg"));
        const QImage sent = QImage::fromData(QByteArray::fromBase64(inlineData.value(QStringLiteral("data")).toString().toLatin1()));
        QCOMPARE(sent.size(), QSize(2048, 1536));
    }
}

QTEST_GUILESS_MAIN(TestProviderGeminiInProcess)
#include "tst_provider_gemini_inprocess.moc"
