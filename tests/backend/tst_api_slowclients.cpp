// Slow senders (issue 13, item 1), at test scale: a request head or body that trickles in is cut at
// its deadline however often a byte arrives; one address holds at most its cap of connections (on
// by default) and another address is still served while the slow ones sit there; behind a trusted
// proxy the forwarded client counts for the limits, from anyone else X-Forwarded-For changes nothing.
// The full-size attack is tests/bench/attack_slowclients.sh.
#include "heldsockets.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QTest>

using namespace vesper::test;

namespace {
/// Milliseconds until every held socket is closed by the server, or -1 past `limitMs`; trickles
/// `trickle` on the open ones every 300 ms meanwhile (each byte would reset an idle timer).
qint64 msUntilAllClosed(HeldSockets &sockets, const QByteArray &trickle, qint64 limitMs)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < limitMs) {
        if (sockets.stillOpen() == 0)
            return timer.elapsed();
        if (!trickle.isEmpty())
            sockets.sendAll(trickle);
        QTest::qWait(300);
    }
    return -1;
}

QByteArray signIn(const QByteArray &forwardedFor)
{
    const QByteArray body = R"({"email":"nobody@example.com","password":"wrong password"})";
    QByteArray extra = forwardedFor.isEmpty() ? QByteArray() : "X-Forwarded-For: " + forwardedFor + "\r\n";
    return requestHead("POST", "/auth/v1/token?grant_type=password", {}, body.size(), extra) + body;
}
} // namespace

class TestApiSlowClients : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void trickledHeadIsCutAtItsDeadline();
    void trickledBodyIsCutAtItsDeadline();
    void slowAddressesDoNotStarveAnother();
    void forwardedClientCountsOnlyFromTrustedProxies();
    void forwardedClientsHaveTheirOwnCap();
};

void TestApiSlowClients::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
}

void TestApiSlowClients::trickledHeadIsCutAtItsDeadline()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_HEAD_TIMEOUT_SECONDS"), QStringLiteral("2"));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    HeldSockets sockets;
    for (int i = 0; i < 5; ++i)
        QVERIFY(sockets.open("127.0.0.1", server.port(), "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    // A header line every 300 ms: far inside the 30 s idle timeout, so only a fixed deadline ends it.
    const qint64 ms = msUntilAllClosed(sockets, "X-Slow: 1\r\n", 8000);
    QVERIFY2(ms >= 0, "a trickled head kept its connection past its 2 s deadline");
    QVERIFY2(ms >= 1500, qPrintable(QStringLiteral("cut after %1 ms, before its deadline").arg(ms)));
    // The server itself is fine.
    QVERIFY(rawExchange(server.port(), requestHead("GET", "/healthz", {})).status == 200);
}

void TestApiSlowClients::trickledBodyIsCutAtItsDeadline()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_BODY_TIMEOUT_SECONDS"), QStringLiteral("2"));
    server.setEnv(QStringLiteral("VESPER_BODY_MIN_RATE"), QStringLiteral("1000000"));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("slow-body@example.com"));
    QVERIFY(!user.id.isEmpty());
    HeldSockets sockets;
    for (int i = 0; i < 3; ++i)
        QVERIFY(sockets.open("127.0.0.1", server.port(), requestHead("POST", "/api/projects", user.accessToken, 5000) + "{"));
    const qint64 ms = msUntilAllClosed(sockets, " ", 10000);
    QVERIFY2(ms >= 0, "a trickled body kept its connection past its deadline");
    const QByteArray body = R"({"name":"ok"})";
    const RawReply quick = rawExchange(server.port(), requestHead("POST", "/api/projects", user.accessToken, body.size()), body);
    QVERIFY2(quick.status == 201, qPrintable(describe(quick)));
}

void TestApiSlowClients::slowAddressesDoNotStarveAnother()
{
    TestServer server; // default settings: the per-address cap is on (64)
    server.setEnv(QStringLiteral("VESPER_HEAD_TIMEOUT_SECONDS"), QStringLiteral("60")); // they stay for the test
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    HeldSockets slow;
    const QByteArray partial = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    for (int a = 2; a <= 4; ++a) {
        for (int i = 0; i < 20; ++i)
            QVERIFY(slow.open("127.0.0." + QByteArray::number(a), server.port(), partial));
    }
    // One address tries for more than its cap: the extra connections are refused (closed at once).
    HeldSockets greedy;
    for (int i = 0; i < 80; ++i)
        greedy.open("127.0.0.5", server.port(), partial);
    QTest::qWait(1000);
    const int greedyHeld = greedy.stillOpen();
    QVERIFY2(greedyHeld <= 64, qPrintable(QStringLiteral("one address holds %1 connections").arg(greedyHeld)));
    QVERIFY2(greedyHeld >= 60, qPrintable(QStringLiteral("only %1 of one address's connections were kept").arg(greedyHeld)));
    QCOMPARE(slow.stillOpen(), 60);
    // A 21st address is served at once while they all sit there.
    QElapsedTimer timer;
    timer.start();
    const RawReply reply = rawExchangeFrom("127.0.0.21", server.port(), requestHead("GET", "/healthz", {}), {}, 3000);
    QVERIFY2(reply.status == 200, qPrintable(describe(reply)));
    QVERIFY2(timer.elapsed() < 3000, qPrintable(QStringLiteral("/healthz took %1 ms").arg(timer.elapsed())));
}

void TestApiSlowClients::forwardedClientCountsOnlyFromTrustedProxies()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1, 127.0.1.0/24"));
    server.setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("3"));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    // Through the proxy, one client spends its own sign-in bucket...
    for (int i = 0; i < 3; ++i)
        QVERIFY(rawExchange(server.port(), signIn("10.9.9.1")).status != 429);
    QCOMPARE(rawExchange(server.port(), signIn("10.9.9.1")).status, 429);
    // ...and another client behind the same proxy still has its own (a spoofed hop on the left
    // changes nothing; the hop a second trusted proxy added is skipped).
    QVERIFY(rawExchange(server.port(), signIn("10.9.9.1, 10.9.9.2")).status != 429);
    QVERIFY(rawExchange(server.port(), signIn("10.9.9.3, 127.0.1.7")).status != 429);
    // From an address that is not a trusted proxy, X-Forwarded-For is the client's claim: ignored.
    for (int i = 0; i < 3; ++i)
        QVERIFY(rawExchangeFrom("127.0.0.7", server.port(), signIn("10.8.0." + QByteArray::number(i))).status != 429);
    QCOMPARE(rawExchangeFrom("127.0.0.7", server.port(), signIn("10.8.0.99")).status, 429);
}

void TestApiSlowClients::forwardedClientsHaveTheirOwnCap()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_TRUSTED_PROXIES"), QStringLiteral("127.0.0.1"));
    server.setEnv(QStringLiteral("VESPER_MAX_CONNECTIONS_PER_IP"), QStringLiteral("2"));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("proxied@example.com"));
    QVERIFY(!user.id.isEmpty());
    // The proxy holds many connections (it is not capped); one client behind it holds two requests
    // in flight (bodies not yet sent), and its third is refused while the others still pass.
    HeldSockets held;
    const QByteArray forwarded = "X-Forwarded-For: 10.7.7.7\r\n";
    for (int i = 0; i < 2; ++i)
        QVERIFY(held.open("127.0.0.1", server.port(), requestHead("POST", "/api/projects", user.accessToken, 100, forwarded)));
    HeldSockets idle;
    for (int i = 0; i < 5; ++i)
        QVERIFY(idle.open("127.0.0.1", server.port(), {}));
    QTest::qWait(300);
    QCOMPARE(held.stillOpen(), 2);
    QCOMPARE(idle.stillOpen(), 5);
    const QByteArray body = R"({"name":"third"})";
    const RawReply third = rawExchange(server.port(), requestHead("POST", "/api/projects", user.accessToken, body.size(), forwarded), body);
    QVERIFY2(third.status == 429 && third.head.toLower().contains("retry-after:"), qPrintable(describe(third)));
    const RawReply other = rawExchange(server.port(), requestHead("POST", "/api/projects", user.accessToken, body.size(),
                                                                  "X-Forwarded-For: 10.7.7.8\r\n"), body);
    QVERIFY2(other.status == 201, qPrintable(describe(other)));
    held.closeAll();
    QTest::qWait(300);
    const RawReply again = rawExchange(server.port(), requestHead("POST", "/api/projects", user.accessToken, body.size(), forwarded), body);
    QVERIFY2(again.status == 201, qPrintable(describe(again)));
}

QTEST_GUILESS_MAIN(TestApiSlowClients)
#include "tst_api_slowclients.moc"
