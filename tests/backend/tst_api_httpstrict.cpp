// HTTP strictness (issue 13, item 8): a head whose body boundary two parsers could read differently
// (two Content-Lengths, Content-Length with Transfer-Encoding) or an HTTP/1.1 request without Host is
// 400 and its connection is closed, so nothing smuggled after it is served; routing splits the raw
// path first and decodes each segment after, so "%2F" never becomes a separator.
#include "apifixtures.h"
#include "heldsockets.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QElapsedTimer>
#include <QTest>
#include <memory>

using namespace vesper::test;

namespace {
/// Sends `bytes` on one connection and reads until the server closes it; empty when it did not
/// close within 5 s.
QByteArray untilClosed(quint16 port, const QByteArray &bytes)
{
    HeldSockets socket;
    if (!socket.open("127.0.0.1", port, bytes))
        return "cannot connect";
    QElapsedTimer timer;
    timer.start();
    while (socket.stillOpen() > 0 && timer.elapsed() < 5000)
        QTest::qWait(50);
    return socket.stillOpen() == 0 ? socket.received(0) : QByteArray();
}
} // namespace

class TestApiHttpStrict : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void ambiguousFramingIs400AndCloses_data();
    void ambiguousFramingIs400AndCloses();
    void http10WithoutHostIsServed();
    void encodedSlashStaysInsideItsSegment();
    void encodedCharactersInASegmentAreDecoded();

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    TestUser m_owner;
    QString m_projectId;
};

void TestApiHttpStrict::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_owner = m_client->signUp(QStringLiteral("strict-owner@example.com"));
    QVERIFY(!m_owner.id.isEmpty());
    m_projectId = createProject(*m_client, m_owner, QStringLiteral("Strict"), false);
    QVERIFY(!m_projectId.isEmpty());
}

void TestApiHttpStrict::cleanupTestCase()
{
    m_client.reset();
    m_server.reset();
}

void TestApiHttpStrict::ambiguousFramingIs400AndCloses_data()
{
    QTest::addColumn<QByteArray>("request");
    // Each is followed on the same connection by a second request that must never be answered.
    const QByteArray json = R"({"email":"a@b.c","password":"x"})";
    QTest::newRow("two Content-Length") << QByteArray("POST /auth/v1/token?grant_type=password HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                      "Content-Type: application/json\r\nContent-Length: 5\r\nContent-Length: "
                                                      + QByteArray::number(json.size()) + "\r\n\r\n" + json);
    QTest::newRow("Content-Length and chunked") << QByteArray("POST /auth/v1/token?grant_type=password HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                              "Content-Type: application/json\r\nContent-Length: 4\r\n"
                                                              "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    QTest::newRow("unknown coding") << QByteArray("POST /auth/v1/token?grant_type=password HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                  "Transfer-Encoding: gzip\r\n\r\n");
    QTest::newRow("HTTP/1.1 without Host") << QByteArray("GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n");
    QTest::newRow("two Host") << QByteArray("GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
}

void TestApiHttpStrict::ambiguousFramingIs400AndCloses()
{
    QFETCH(QByteArray, request);
    const QByteArray smuggled = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    // A server that kept the connection open would answer the second request too, or not close.
    const QByteArray answer = untilClosed(m_server->port(), request + smuggled);
    QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.isEmpty() ? "the connection stayed open" : answer.left(300).constData());
    QVERIFY2(!answer.contains("HTTP/1.1 200"), answer.constData());
    QVERIFY2(!answer.contains("serverTime"), answer.constData());
}

void TestApiHttpStrict::http10WithoutHostIsServed()
{
    const RawReply reply = rawExchange(m_server->port(), "GET /healthz HTTP/1.0\r\n\r\n", {}, 5000);
    QVERIFY2(reply.status == 200, qPrintable(describe(reply)));
}

void TestApiHttpStrict::encodedSlashStaysInsideItsSegment()
{
    // Decoded before routing, "<id>%2Fmembers" would be /api/projects/<id>/members: the member list.
    const QByteArray target = "/api/projects/" + m_projectId.toLatin1() + "%2Fmembers";
    const RawReply reply = rawExchange(m_server->port(), requestHead("GET", target, m_owner.accessToken), {}, 5000);
    QVERIFY2(reply.status == 404, qPrintable(describe(reply)));
    const RawReply plain = rawExchange(m_server->port(), requestHead("GET", "/api/projects/" + m_projectId.toLatin1() + "/members",
                                                                     m_owner.accessToken), {}, 5000);
    QVERIFY2(plain.status == 200, qPrintable(describe(plain)));
    // The same for the route's first segments: "/api%2Fprojects" names no route.
    const RawReply joined = rawExchange(m_server->port(), requestHead("GET", "/api%2Fprojects/with-thumbnails", m_owner.accessToken), {}, 5000);
    QVERIFY2(joined.status == 404, qPrintable(describe(joined)));
}

void TestApiHttpStrict::encodedCharactersInASegmentAreDecoded()
{
    // Each segment is still decoded after the split: an id with its first character encoded is the id.
    QByteArray id = m_projectId.toLatin1();
    const QByteArray encoded = '%' + QByteArray::number(uchar(id.at(0)), 16).toUpper() + id.mid(1);
    const RawReply reply = rawExchange(m_server->port(), requestHead("GET", "/api/projects/" + encoded, m_owner.accessToken), {}, 5000);
    QVERIFY2(reply.status == 200, qPrintable(describe(reply)));
    QVERIFY(reply.body.contains(id));
    const RawReply nul = rawExchange(m_server->port(), requestHead("GET", "/api/projects/" + id + "%00", m_owner.accessToken), {}, 5000);
    QVERIFY2(nul.status == 404 || nul.status == 400, qPrintable(describe(nul)));
}

QTEST_GUILESS_MAIN(TestApiHttpStrict)
#include "tst_api_httpstrict.moc"
