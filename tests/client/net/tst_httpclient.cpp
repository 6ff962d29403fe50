// HttpClient: retries only what is idempotent (errors injected on the i-th call), Retry-After,
// concurrent transfers on its own pool, cancellation, and the online/offline state against a real
// vesper-server that stops and comes back.
#include "client/net/apierror.h"
#include "client/net/httpclient.h"
#include "hostileserver.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QtTest>
#include <atomic>
#include <thread>

using namespace vesper;
using namespace vesper::client;
using vesper::test::HostileReply;
using vesper::test::HostileServer;

namespace {
HttpClientOptions fastOptions()
{
    HttpClientOptions options;
    options.backoffBaseMs = 20;
    options.backoffMaxMs = 100;
    return options;
}

HttpRequest request(const QString &url, const QByteArray &method = "GET", bool idempotent = true)
{
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.idempotent = idempotent;
    if (method == "POST") {
        r.body = "{}";
        r.contentType = "application/json";
    }
    return r;
}
} // namespace

class TstHttpClient : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_hostile.start(&error), qPrintable(error));
    }
    void init() { m_hostile.resetCounters(); }

    void retriesOnlyIdempotentCalls()
    {
        // The first two calls to each path fail with 503; the third succeeds.
        m_hostile.setHandler([](auto, auto, int hit) {
            return hit <= 2 ? HostileReply::json(R"({"error":"busy","code":"UNAVAILABLE"})", 503) : HostileReply::json("{}");
        });
        HttpClient http(fastOptions());
        const HttpResponse get = http.call(request(m_hostile.baseUrl() + "/get"));
        QVERIFY(get.ok());
        QCOMPARE(get.attempts, 3);
        QCOMPARE(m_hostile.hits("/get"), 3);

        const HttpResponse post = http.call(request(m_hostile.baseUrl() + "/post", "POST", false));
        QCOMPARE(post.status, 503);
        QCOMPARE(post.attempts, 1);
        QCOMPARE(m_hostile.hits("/post"), 1);

        HttpRequest keyed = request(m_hostile.baseUrl() + "/keyed", "POST", true); // a create with Idempotency-Key
        keyed.headers.append(qMakePair(QByteArray("Idempotency-Key"), QByteArray("k-1")));
        QVERIFY(http.call(keyed).ok());
        QCOMPARE(m_hostile.hits("/keyed"), 3);
    }

    void retriesAfterDroppedConnection()
    {
        m_hostile.setHandler([](auto, auto, int hit) {
            HostileReply reply = HostileReply::json("{\"ok\": true, \"pad\": \"" + QByteArray(4000, 'p') + "\"}");
            if (hit == 1)
                reply.mode = HostileReply::Mode::DropMidBody;
            return reply;
        });
        HttpClient http(fastOptions());
        const HttpResponse get = http.call(request(m_hostile.baseUrl() + "/drop"));
        QVERIFY2(get.ok(), qPrintable(get.error));
        QCOMPARE(get.attempts, 2);
        const HttpResponse post = http.call(request(m_hostile.baseUrl() + "/drop-post", "POST", false));
        QCOMPARE(post.failure, net::CurlResponse::Failure::Network);
        QCOMPARE(m_hostile.hits("/drop-post"), 1);
    }

    void retryAfterHonoured()
    {
        m_hostile.setHandler([](auto, const QByteArray &path, int hit) {
            HostileReply reply = HostileReply::json(R"({"error":"slow down","code":"RATE_LIMITED"})", 429);
            reply.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray(path == "/long" ? "600" : "1")));
            return hit == 1 ? reply : HostileReply::json("{}");
        });
        HttpClient http(fastOptions());
        QElapsedTimer timer;
        timer.start();
        const HttpResponse response = http.call(request(m_hostile.baseUrl() + "/short"));
        QVERIFY(response.ok());
        QCOMPARE(response.attempts, 2);
        QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed()))); // waited the second asked for

        const HttpResponse longWait = http.call(request(m_hostile.baseUrl() + "/long"));
        QCOMPARE(longWait.status, 429);
        QCOMPARE(longWait.attempts, 1); // over the 30 s cap: reported, not waited for
        QCOMPARE(ApiError::fromResponse(longWait).retryAfterSeconds, 600);
    }

    void sixTransfersAtOnce()
    {
        m_hostile.setHandler([](auto, auto, int) {
            HostileReply reply = HostileReply::json("{}");
            reply.delayMs = 800;
            return reply;
        });
        HttpClient http(fastOptions());
        QList<QFuture<HttpResponse>> futures;
        for (int i = 0; i < 8; ++i)
            futures.append(http.start(request(m_hostile.baseUrl() + "/slow")));
        for (auto &future : futures) {
            future.waitForFinished();
            QVERIFY(future.result().ok());
        }
        QVERIFY2(m_hostile.peakInFlight() >= 6, qPrintable(QString::number(m_hostile.peakInFlight())));
    }

    void cancellation()
    {
        m_hostile.setHandler([](auto, auto, int) {
            HostileReply reply;
            reply.mode = HostileReply::Mode::HangBeforeHeaders;
            return reply;
        });
        HttpClient http(fastOptions());
        std::atomic<bool> stop{false};
        HttpRequest hanging = request(m_hostile.baseUrl() + "/hang");
        hanging.timeoutSeconds = 60;
        hanging.cancelled = [&stop] { return stop.load(); };
        std::thread canceller([&stop] {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            stop = true;
        });
        QElapsedTimer timer;
        timer.start();
        const HttpResponse response = http.call(hanging);
        canceller.join();
        QCOMPARE(response.failure, net::CurlResponse::Failure::Cancelled);
        QCOMPARE(ApiError::fromResponse(response).kind, ApiError::Kind::Cancelled);
        QVERIFY2(timer.elapsed() < 10000, "cancelled long before the 60 s timeout");
        QCOMPARE(m_hostile.hits("/hang"), 1);
        QVERIFY(http.isOnline()); // a cancelled call says nothing about the server
    }

    void offlineWhileServerStoppedAndBack()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        test::TestServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        HttpClientOptions options = fastOptions();
        options.breakerThreshold = 2;
        options.probeIntervalMs = 1000;
        HttpClient http(options);
        http.setProbeUrl(server.baseUrl() + "/healthz");
        QSignalSpy spy(&http, &HttpClient::onlineChanged);
        QVERIFY(http.call(request(server.baseUrl() + "/healthz")).ok());
        QVERIFY(http.isOnline());

        const quint16 port = server.port();
        server.stop();
        const HttpResponse down = http.call(request(server.baseUrl() + "/healthz"));
        QCOMPARE(down.failure, net::CurlResponse::Failure::Network);
        QVERIFY(!http.isOnline());
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toBool(), false);

        const HttpResponse fast = http.call(request(server.baseUrl() + "/api/bootstrap"));
        QVERIFY(fast.offline); // fails fast: nothing sent while the breaker is open
        QCOMPARE(ApiError::fromResponse(fast).kind, ApiError::Kind::Offline);

        QVERIFY2(server.start(&error, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(error));
        QCOMPARE(server.port(), port);
        QTRY_VERIFY_WITH_TIMEOUT(http.isOnline(), 15000); // the background probe found it
        QTRY_COMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).toBool(), true);
        QVERIFY(http.call(request(server.baseUrl() + "/healthz")).ok());
    }

private:
    HostileServer m_hostile;
};

QTEST_GUILESS_MAIN(TstHttpClient)
#include "tst_httpclient.moc"
