#pragma once
// A test HTTP server that misbehaves on purpose, for the client core's network tests: a QTcpServer
// speaking raw HTTP on its own thread, so it can send truncated or mistyped JSON, a huge body, an
// answer that never finishes or breaks off mid-body, errors on the i-th call, or slow answers (to see
// concurrency). It counts hits per path and the peak number of requests in flight.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>
#include <functional>
#include <memory>

class QThread;

namespace vesper::test {

struct HostileReply {
    enum class Mode {
        Normal,            // status, headers, body (with Content-Length unless declareLength is false)
        HangBeforeHeaders, // reads the request, then says nothing
        HangAfterHeaders,  // sends the head and part of the body, then nothing more
        DropMidBody,       // declares the whole body, sends half, closes the connection
        Stream,            // streamBytes of filler, Content-Length declared only when declareLength
    };
    Mode mode = Mode::Normal;
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    qint64 streamBytes = 0;
    bool declareLength = true;
    int delayMs = 0; // before answering (requests are served concurrently)

    static HostileReply json(const QByteArray &body, int status = 200);
};

class HostileServer {
public:
    /// hit counts requests to this path (without the query) so far, from 1.
    using Handler = std::function<HostileReply(const QByteArray &method, const QByteArray &path, int hit)>;

    HostileServer();
    ~HostileServer();

    bool start(QString *error);
    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    void setHandler(Handler handler);

    int hits(const QByteArray &path) const;
    int peakInFlight() const;
    void resetCounters();

    /// Internal, called on the server's thread.
    HostileReply handle(const QByteArray &method, const QByteArray &path);
    void finished();

private:
    std::unique_ptr<QThread> m_thread;
    quint16 m_port = 0;
    mutable QMutex m_mutex;
    Handler m_handler;
    QHash<QByteArray, int> m_hits;
    int m_inFlight = 0;
    int m_peak = 0;
};

} // namespace vesper::test
