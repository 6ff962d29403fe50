// The remote adapters' HTTP client against a loopback test server: answers, headers, the error
// classes a provider can produce (429 with Retry-After, 5xx, 4xx with its message, a hang, a
// dropped connection, an answer too large) and a cancel that stops a call mid-wait.
#include "fakehttpserver.h"

#include "backend/providers/provider.h"
#include "backend/providers/providerhttp.h"

#include <QElapsedTimer>
#include <QLocale>
#include <QTest>
#include <QJsonDocument>
#include <QTimer>
#include <atomic>
#include <thread>

using namespace vesper::backend;
using namespace vesper::test;

namespace {
class FlagSink : public ProgressSink {
public:
    void progress(int, bool) override {}
    bool cancelled() const override { return flag.load(); }
    std::atomic<bool> flag{false};
};
} // namespace

class TestProviderHttp : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<FakeHttpServer> m_server;

private Q_SLOTS:
    void initTestCase();
    void answersWithHeadersAndBody();
    void rateLimitedCarriesRetryAfter();
    void serverErrorIsTransientClientErrorIsNot();
    void hangTimesOut();
    void droppedConnectionIsUnreachable();
    void answerTooLargeIsRefused();
    void cancelStopsAWaitingCall();
};

void TestProviderHttp::initTestCase()
{
    m_server = std::make_unique<FakeHttpServer>([](const FakeRequest &r) {
        if (r.path == QLatin1String("/echo"))
            return FakeResponse::json(200, {{QStringLiteral("method"), QString::fromLatin1(r.method)},
                                            {QStringLiteral("auth"), QString::fromLatin1(r.headers.value("authorization"))},
                                            {QStringLiteral("body"), QString::fromUtf8(r.body)}})
                .header("X-Answer", "42");
        if (r.path == QLatin1String("/busy"))
            return FakeResponse::json(429, {{QStringLiteral("detail"), QStringLiteral("slow down")}}).header("Retry-After", "7");
        if (r.path == QLatin1String("/broken"))
            return FakeResponse::bytes(502, "<html>bad gateway</html>", "text/html");
        if (r.path == QLatin1String("/refused"))
            return FakeResponse::json(400, {{QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), QStringLiteral("prompt blocked")}}}});
        if (r.path == QLatin1String("/hang"))
            return FakeResponse::hang();
        if (r.path == QLatin1String("/drop"))
            return FakeResponse::drop();
        if (r.path == QLatin1String("/huge"))
            return FakeResponse::bytes(200, QByteArray(3 << 20, 'x'), "application/octet-stream");
        return FakeResponse::json(404, {});
    });
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
}

void TestProviderHttp::answersWithHeadersAndBody()
{
    ProviderHttp http(nullptr, 10);
    http.setHeader("Authorization", "Bearer k");
    const ProviderResponse response = http.post(m_server->baseUrl() + QStringLiteral("/echo"), R"({"a":1})");
    QVERIFY2(response.ok(), qPrintable(response.error));
    QCOMPARE(response.headers.value("x-answer"), QByteArray("42"));
    const QJsonObject echo = QJsonDocument::fromJson(response.body).object();
    QCOMPARE(echo.value(QStringLiteral("method")).toString(), QStringLiteral("POST"));
    QCOMPARE(echo.value(QStringLiteral("auth")).toString(), QStringLiteral("Bearer k"));
    QCOMPARE(echo.value(QStringLiteral("body")).toString(), QStringLiteral(R"({"a":1})"));
    // The same handle again: the connection is reused and the headers are fresh.
    const ProviderResponse again = http.get(m_server->baseUrl() + QStringLiteral("/echo"));
    QCOMPARE(QJsonDocument::fromJson(again.body).object().value(QStringLiteral("method")).toString(), QStringLiteral("GET"));
}

void TestProviderHttp::rateLimitedCarriesRetryAfter()
{
    ProviderHttp http(nullptr, 10);
    const ProviderResult result = failedCall(http.get(m_server->baseUrl() + QStringLiteral("/busy")), QStringLiteral("Test"));
    QCOMPARE(result.errorCode, QStringLiteral("RATE_LIMITED"));
    QVERIFY(result.transient);
    QCOMPARE(result.retryAfterSeconds, 7);
    QVERIFY2(result.errorMessage.contains(QStringLiteral("slow down")), qPrintable(result.errorMessage));
    QCOMPARE(retryAfterSeconds(QDateTime::currentDateTimeUtc().addSecs(120).toString(Qt::RFC2822Date).toLatin1()) / 10, 11);
    QCOMPARE(retryAfterSeconds("soon"), 0);
    // RFC 9110's IMF-fixdate ends in "GMT", which Qt's RFC 2822 parser does not take by itself.
    const QString imf = QLocale::c().toString(QDateTime::currentDateTimeUtc().addSecs(300), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"));
    QVERIFY2(qAbs(retryAfterSeconds(imf.toLatin1()) - 300) <= 2, qPrintable(imf));
    QCOMPARE(retryAfterSeconds("99999999999"), 3600); // longer than an int: the cap, not zero
    QCOMPARE(retryAfterSeconds("-5"), 0);
}

void TestProviderHttp::serverErrorIsTransientClientErrorIsNot()
{
    ProviderHttp http(nullptr, 10);
    const ProviderResult broken = failedCall(http.get(m_server->baseUrl() + QStringLiteral("/broken")), QStringLiteral("Test"));
    QVERIFY(broken.transient);
    QVERIFY2(broken.errorMessage.contains(QStringLiteral("502")) && !broken.errorMessage.contains(QStringLiteral("<html")),
             qPrintable(broken.errorMessage));
    const ProviderResult refused = failedCall(http.get(m_server->baseUrl() + QStringLiteral("/refused")), QStringLiteral("Test"));
    QVERIFY(!refused.transient);
    QCOMPARE(refused.errorCode, QStringLiteral("PROVIDER_ERROR"));
    QVERIFY2(refused.errorMessage.contains(QStringLiteral("prompt blocked")), qPrintable(refused.errorMessage));
}

void TestProviderHttp::hangTimesOut()
{
    ProviderHttp http(nullptr, 1);
    QElapsedTimer timer;
    timer.start();
    const ProviderResponse response = http.get(m_server->baseUrl() + QStringLiteral("/hang"));
    QCOMPARE(int(response.failure), int(ProviderResponse::Failure::Timeout));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    const ProviderResult result = failedCall(response, QStringLiteral("Test"));
    QCOMPARE(result.errorCode, QStringLiteral("TIMEOUT"));
    QVERIFY(result.transient);
}

void TestProviderHttp::droppedConnectionIsUnreachable()
{
    ProviderHttp http(nullptr, 10);
    const ProviderResponse response = http.get(m_server->baseUrl() + QStringLiteral("/drop"));
    QCOMPARE(int(response.failure), int(ProviderResponse::Failure::Network));
    QVERIFY(failedCall(response, QStringLiteral("Test")).transient);
    // Nothing listening at all.
    const ProviderResponse nobody = ProviderHttp(nullptr, 10).get(QStringLiteral("http://127.0.0.1:1/"));
    QCOMPARE(int(nobody.failure), int(ProviderResponse::Failure::Network));
}

void TestProviderHttp::answerTooLargeIsRefused()
{
    ProviderHttp http(nullptr, 10);
    http.setMaxResponseBytes(1 << 20);
    const ProviderResponse response = http.get(m_server->baseUrl() + QStringLiteral("/huge"));
    QCOMPARE(int(response.failure), int(ProviderResponse::Failure::TooLarge));
    QVERIFY(response.body.size() <= 1 << 20);
    QCOMPARE(failedCall(response, QStringLiteral("Test")).errorCode, QStringLiteral("BAD_RESPONSE"));
}

void TestProviderHttp::cancelStopsAWaitingCall()
{
    FlagSink sink;
    ProviderHttp http(&sink, 30);
    QTimer::singleShot(300, [&sink] { sink.flag = true; });
    QElapsedTimer timer;
    timer.start();
    ProviderResponse response;
    std::thread caller([&] { response = http.get(m_server->baseUrl() + QStringLiteral("/hang")); });
    while (timer.elapsed() < 10000 && !sink.flag)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    caller.join();
    QCOMPARE(int(response.failure), int(ProviderResponse::Failure::Cancelled));
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
}

QTEST_GUILESS_MAIN(TestProviderHttp)
#include "tst_provider_http.moc"
