// Streamed responses in the HTTP module, on real sockets: bytes written from another thread arrive
// as chunks while the connection stays open; finish() ends the body; a client that leaves is noticed
// on the next write (onClosed runs, write() turns false); an idle stream outlives the idle timeout
// and costs no CPU (its connection is suspended, not polled); stopping the server with streams open
// ends them cleanly. Also the SSE wire form (SseEvent).
#include "backend/http/httpserver.h"
#include "backend/http/responsestream.h"
#include "backend/http/sseevent.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <atomic>
#include <mutex>
#include <sys/resource.h>
#include <thread>

using namespace vesper::backend;

namespace {

/// A server whose /stream route opens a stream and keeps it for the test.
struct StreamServer {
    std::mutex mutex;
    std::vector<std::shared_ptr<ResponseStream>> streams;
    std::atomic<int> closed{0};
    HttpServer server;

    explicit StreamServer(int idleSeconds = 30)
        : server([this](HttpRequest &request) { return handle(request); },
                 [](const QByteArray &, const QString &) { return BodyPolicy{1024, false}; },
                 [](Refusal, qint64, const QString &) { HttpResponse r; r.status = 503; return r; })
    {
        HttpServerLimits limits;
        limits.threads = 2;
        limits.idleTimeoutSeconds = idleSeconds;
        limits.connectionsPerIp = 0;
        QString error;
        if (!server.listen(QStringLiteral("127.0.0.1"), 0, limits, &error))
            qFatal("listen: %s", qPrintable(error));
    }

    HttpResponse handle(HttpRequest &request)
    {
        HttpResponse response;
        if (request.path != QLatin1String("/stream")) {
            response.status = 404;
            return response;
        }
        auto stream = std::make_shared<ResponseStream>(64 * 1024);
        stream->setOnClosed([this] { ++closed; });
        stream->write(SseEvent::comment("open"));
        response.contentType = "text/event-stream";
        response.setHeader("Cache-Control", "no-cache");
        response.stream = stream;
        std::lock_guard lock(mutex);
        streams.push_back(stream);
        return response;
    }

    std::shared_ptr<ResponseStream> stream(size_t i)
    {
        std::lock_guard lock(mutex);
        return i < streams.size() ? streams[i] : nullptr;
    }
    size_t count()
    {
        std::lock_guard lock(mutex);
        return streams.size();
    }
};

/// Opens /stream and reads until `expected` appears in what arrived (head included).
bool openStream(QTcpSocket &socket, quint16 port)
{
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(5000))
        return false;
    socket.write("GET /stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n");
    return socket.waitForBytesWritten(5000);
}

bool readUntil(QTcpSocket &socket, QByteArray &buffer, const QByteArray &expected, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!buffer.contains(expected) && timer.elapsed() < timeoutMs) {
        socket.waitForReadyRead(50);
        buffer += socket.readAll();
    }
    return buffer.contains(expected);
}

bool waitFor(const std::function<bool()> &condition, int timeoutMs = 5000)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < timeoutMs)
        QThread::msleep(10);
    return condition();
}

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

} // namespace

class TestResponseStream : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sseEncoding()
    {
        SseEvent event{"42", "changes", "line one\nline two\r\nline three", -1};
        QCOMPARE(event.encode(), QByteArray("event: changes\nid: 42\ndata: line one\ndata: line two\ndata: line three\n\n"));
        QCOMPARE((SseEvent{{}, {}, "x", 1500}).encode(), QByteArray("retry: 1500\ndata: x\n\n"));
        QCOMPARE((SseEvent{"a\nb", "e\rf", "", -1}).encode(), QByteArray("event: e f\nid: a b\ndata: \n\n"));
        QCOMPARE(SseEvent::comment(), QByteArray(":\n\n"));
        QCOMPARE(SseEvent::comment("hb\nx"), QByteArray(": hb x\n\n"));
    }

    void writesArriveAsChunksFromAnotherThread()
    {
        StreamServer s;
        QTcpSocket socket;
        QVERIFY(openStream(socket, s.server.port()));
        QByteArray got;
        QVERIFY2(readUntil(socket, got, ": open\n\n"), got.constData());
        QVERIFY(got.startsWith("HTTP/1.1 200"));
        QVERIFY(got.toLower().contains("transfer-encoding: chunked"));
        QVERIFY(got.contains("text/event-stream"));
        auto stream = s.stream(0);
        QVERIFY(stream && stream->isOpen());
        std::thread producer([stream] {
            for (int i = 0; i < 5; ++i) {
                stream->write(SseEvent{QByteArray::number(i), "tick", "n" + QByteArray::number(i), -1}.encode());
                QThread::msleep(30);
            }
        });
        QVERIFY2(readUntil(socket, got, "data: n4\n\n"), got.constData());
        producer.join();
        for (int i = 0; i < 5; ++i)
            QVERIFY(got.contains(QByteArray(QByteArray("id: ") + QByteArray::number(i) + "\n")));
        stream->finish();
        QVERIFY2(readUntil(socket, got, "\r\n0\r\n\r\n"), got.right(200).constData());
        QVERIFY(!stream->write("late"));
        QVERIFY(waitFor([&] { return s.closed.load() == 1; }));
    }

    void clientThatLeavesIsNoticedOnWrite()
    {
        StreamServer s;
        {
            QTcpSocket socket;
            QVERIFY(openStream(socket, s.server.port()));
            QByteArray got;
            QVERIFY(readUntil(socket, got, ": open\n\n"));
            socket.abort();
        }
        auto stream = s.stream(0);
        QVERIFY(stream);
        // The connection sleeps while idle, so the departure shows on the next writes (heartbeats).
        QVERIFY(waitFor([&] {
            stream->write(SseEvent::comment("hb"));
            return s.closed.load() == 1;
        }));
        QVERIFY(!stream->isOpen());
        QVERIFY(!stream->write("x"));
        QVERIFY(waitFor([&] { return s.server.openStreams() == 0; }));
    }

    void slowReaderIsCutOff()
    {
        StreamServer s;
        QTcpSocket socket;
        socket.setReadBufferSize(1);
        QVERIFY(openStream(socket, s.server.port()));
        QVERIFY(waitFor([&] { return s.count() == 1; }));
        auto stream = s.stream(0);
        const QByteArray block(16 * 1024, 'x');
        bool refused = false;
        for (int i = 0; i < 4000 && !refused; ++i) // far more than the socket buffers and 64 KiB pending hold
            refused = !stream->write(SseEvent{{}, {}, block, -1}.encode());
        QVERIFY(refused);
        QVERIFY(waitFor([&] { return s.closed.load() == 1; }));
    }

    void idleStreamOutlivesIdleTimeoutAndCostsNoCpu()
    {
        StreamServer s(1); // one-second idle timeout
        constexpr int kStreams = 100;
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < kStreams; ++i) {
            sockets.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(openStream(*sockets.back(), s.server.port()));
        }
        QVERIFY(waitFor([&] { return s.count() == size_t(kStreams); }));
        QThread::msleep(200); // every stream has sent its first bytes and gone to sleep
        const double cpuBefore = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        QThread::sleep(2);
        const double cpu = cpuSeconds() - cpuBefore;
        const double share = cpu / (double(wall.elapsed()) / 1000.0);
        qInfo("%d idle streams: %.3f s CPU in %.2f s (%.1f%% of one core)", kStreams, cpu, wall.elapsed() / 1000.0, share * 100);
        QVERIFY2(share < 0.2, "idle streams keep a thread busy"); // a busy loop would be near 100%
        // Past the idle timeout, every stream still delivers.
        for (int i = 0; i < kStreams; ++i)
            QVERIFY(s.stream(size_t(i))->write(SseEvent{{}, "late", QByteArray::number(i), -1}.encode()));
        for (int i = 0; i < kStreams; ++i) {
            QByteArray got;
            QVERIFY2(readUntil(*sockets[size_t(i)], got, "event: late\n"), got.constData()); // streams and sockets pair up in arrival order
        }
        QCOMPARE(s.closed.load(), 0);
    }

    void stopWithStreamsOpenEndsThem()
    {
        auto s = std::make_unique<StreamServer>();
        std::vector<std::unique_ptr<QTcpSocket>> sockets;
        for (int i = 0; i < 5; ++i) {
            sockets.push_back(std::make_unique<QTcpSocket>());
            QVERIFY(openStream(*sockets.back(), s->server.port()));
        }
        QVERIFY(waitFor([&] { return s->count() == 5; }));
        QThread::msleep(100);
        s->server.stop(); // must not trip libmicrohttpd's check for suspended connections
        QCOMPARE(s->closed.load(), 5);
        QVERIFY(!s->stream(0)->write("x"));
    }
};

QTEST_GUILESS_MAIN(TestResponseStream)
#include "tst_responsestream.moc"
