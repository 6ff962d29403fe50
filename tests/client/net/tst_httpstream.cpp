// HttpClient::stream against servers on loopback: a chunked event stream written in small pieces
// with pauses reaches onChunk as it is written (parsed with SseParser); onChunk returning false and
// the request's cancel flag stop a stream, even a silent one; silence past readIdleSeconds ends it
// as a Timeout; a non-2xx answer comes back whole with onChunk never called.
#include "client/net/httpclient.h"
#include "common/net/sseparser.h"
#include "hostileserver.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>
#include <arpa/inet.h>
#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace vesper;
using namespace vesper::client;
using vesper::test::HostileReply;
using vesper::test::HostileServer;

namespace {

/// Serves one connection: reads the head, then writes `pieces` as HTTP chunks with a pause between.
class PieceServer {
public:
    explicit PieceServer(QList<QByteArray> pieces, int pauseMs)
        : m_pieces(std::move(pieces)), m_pauseMs(pauseMs)
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_listen, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::listen(m_listen, 4);
        socklen_t length = sizeof address;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_thread = std::thread([this] { serve(); });
    }
    ~PieceServer()
    {
        ::shutdown(m_listen, SHUT_RDWR);
        m_thread.join();
        ::close(m_listen);
    }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1/stream").arg(m_port); }
    QByteArray requestHead() const { return m_head; }

private:
    void serve()
    {
        const int fd = ::accept(m_listen, nullptr, nullptr);
        if (fd < 0)
            return;
        char buffer[4096];
        while (!m_head.contains("\r\n\r\n")) {
            const ssize_t n = ::read(fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            m_head.append(buffer, n);
        }
        QByteArray head("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        ::send(fd, head.constData(), size_t(head.size()), MSG_NOSIGNAL);
        for (const QByteArray &piece : m_pieces) {
            QThread::msleep(m_pauseMs);
            const QByteArray chunk = QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
            ::send(fd, chunk.constData(), size_t(chunk.size()), MSG_NOSIGNAL);
        }
        ::send(fd, "0\r\n\r\n", 5, MSG_NOSIGNAL);
        ::close(fd);
    }

    QList<QByteArray> m_pieces;
    int m_pauseMs;
    int m_listen = -1;
    quint16 m_port = 0;
    QByteArray m_head;
    std::thread m_thread;
};

} // namespace

class TestHttpStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void chunksArriveAsWritten()
    {
        const QByteArray text = "id: 1\nevent: changes\ndata: {\"x\":\"\xE2\x82\xAC\"}\n\n: hb\n\nid: 2\r\ndata: two\r\n\r\n";
        QList<QByteArray> pieces;
        for (qsizetype i = 0; i < text.size(); i += 7)
            pieces << text.mid(i, 7); // splits the euro sign and the \r\n pairs
        PieceServer server(pieces, 15);
        HttpClient client;
        HttpRequest request;
        request.url = server.url();
        request.headers.append(qMakePair(QByteArray("Last-Event-ID"), QByteArray("0")));
        SseParser parser;
        QList<SseMessage> events;
        int calls = 0;
        QElapsedTimer timer;
        timer.start();
        qint64 firstEventMs = -1;
        const HttpResponse response = client.stream(request, [&](QByteArrayView chunk) {
            ++calls;
            events += parser.feed(chunk);
            if (!events.isEmpty() && firstEventMs < 0)
                firstEventMs = timer.elapsed();
            return true;
        });
        QCOMPARE(int(response.failure), int(vesper::net::CurlResponse::Failure::None));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.headers.value("content-type"), QByteArray("text/event-stream"));
        QVERIFY(response.body.isEmpty());
        QVERIFY2(calls >= pieces.size() / 2, qPrintable(QString::number(calls))); // pieces, not one body
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].data, QString::fromUtf8("{\"x\":\"\xE2\x82\xAC\"}"));
        QCOMPARE(events[1].lastEventId, QStringLiteral("2"));
        QVERIFY(firstEventMs >= 0 && firstEventMs < timer.elapsed()); // the first event came before the end
        QVERIFY(server.requestHead().toLower().contains("last-event-id: 0"));
    }

    void onChunkFalseStops()
    {
        QList<QByteArray> pieces;
        for (int i = 0; i < 200; ++i)
            pieces << "data: tick\n\n";
        PieceServer server(pieces, 20);
        HttpClient client;
        HttpRequest request;
        request.url = server.url();
        int calls = 0;
        QElapsedTimer timer;
        timer.start();
        const HttpResponse response = client.stream(request, [&](QByteArrayView) { return ++calls < 3; });
        QCOMPARE(int(response.failure), int(vesper::net::CurlResponse::Failure::Cancelled));
        QCOMPARE(calls, 3);
        QVERIFY(timer.elapsed() < 2000);
    }

    void cancelFlagStopsASilentStream()
    {
        HostileServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        server.setHandler([](const QByteArray &, const QByteArray &, int) {
            HostileReply reply;
            reply.mode = HostileReply::Mode::HangAfterHeaders;
            reply.contentType = "text/event-stream";
            reply.body = "data: one\n\n";
            return reply;
        });
        HttpClient client;
        HttpRequest request;
        request.url = server.baseUrl() + QStringLiteral("/stream");
        std::atomic<bool> stop{false};
        request.cancelled = [&stop] { return stop.load(); };
        std::thread stopper([&stop] {
            QThread::msleep(300);
            stop = true;
        });
        QElapsedTimer timer;
        timer.start();
        const HttpResponse response = client.stream(request, [](QByteArrayView) { return true; });
        stopper.join();
        QCOMPARE(int(response.failure), int(vesper::net::CurlResponse::Failure::Cancelled));
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
    }

    void silencePastTheIdleLimitIsATimeout()
    {
        HostileServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        server.setHandler([](const QByteArray &, const QByteArray &, int) {
            HostileReply reply;
            reply.mode = HostileReply::Mode::HangAfterHeaders;
            reply.contentType = "text/event-stream";
            reply.body = "data: one\n\n";
            return reply;
        });
        HttpClient client;
        HttpRequest request;
        request.url = server.baseUrl() + QStringLiteral("/stream");
        request.readIdleSeconds = 1;
        request.timeoutSeconds = 1; // no effect on a stream: only silence ends it
        QElapsedTimer timer;
        timer.start();
        const HttpResponse response = client.stream(request, [](QByteArrayView) { return true; });
        QCOMPARE(int(response.failure), int(vesper::net::CurlResponse::Failure::Timeout));
        QVERIFY(timer.elapsed() >= 900);
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    void errorAnswerComesBackWhole()
    {
        HostileServer server;
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        server.setHandler([](const QByteArray &, const QByteArray &, int) {
            return HostileReply::json(R"({"error":"no such route","code":"NOT_FOUND"})", 404);
        });
        HttpClient client;
        HttpRequest request;
        request.url = server.baseUrl() + QStringLiteral("/stream");
        bool called = false;
        const HttpResponse response = client.stream(request, [&](QByteArrayView) { called = true; return true; });
        QCOMPARE(response.status, 404);
        QVERIFY(!called);
        QVERIFY(response.body.contains("NOT_FOUND"));
    }
};

QTEST_GUILESS_MAIN(TestHttpStream)
#include "tst_httpstream.moc"
