#pragma once
// A raw HTTP/1.1 server for streamed (Server-Sent Events) answers in tests: a QTcpServer on its own
// thread that writes each planned piece as its own chunk of a chunked body, flushed, with an optional
// pause between pieces, so a client sees the bytes split exactly where the test put the cuts (inside
// a UTF-8 character, inside an event). It can also break the connection off mid-stream or hang.
#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace vesper::test {

struct StreamRequest {
    QByteArray method;
    QByteArray path;                       // without the query
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;

    QJsonObject json() const;
};

struct StreamPlan {
    enum class End { Finish, Drop, Hang };
    int status = 200;
    QByteArray contentType = "text/event-stream";
    QList<QPair<QByteArray, QByteArray>> headers;
    QList<QByteArray> pieces; // each written as one HTTP chunk and flushed
    int pieceDelayMs = 0;     // pause between pieces (0: written back to back)
    End end = End::Finish;    // Drop: the connection is aborted after the last piece, without the last chunk
    bool chunked = true;      // false: one plain body with Content-Length (error answers)

    /// A plain (not streamed) JSON answer, as APIs send errors.
    static StreamPlan json(int status, const QByteArray &body);
};

class SseStreamServer {
public:
    using Handler = std::function<StreamPlan(const StreamRequest &)>;

    explicit SseStreamServer(Handler handler);
    ~SseStreamServer();

    /// Listens on 127.0.0.1 on a free port; false with a message on failure.
    bool start(QString *error);
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    quint16 port() const { return m_port; }

    /// Connections open now (a client that gave up on a hanging stream closes its own).
    int openConnections() const { return m_open.load(); }

    /// Internal, called on the server's thread.
    StreamPlan handle(const StreamRequest &request) { return m_handler(request); }
    void connectionOpened() { ++m_open; }
    void connectionClosed() { --m_open; }

private:
    Handler m_handler;
    std::unique_ptr<QThread> m_thread;
    quint16 m_port = 0;
    std::atomic_int m_open = 0;
};

/// Cuts bytes into pieces at the given offsets (sorted, duplicates and out-of-range ones ignored).
QList<QByteArray> splitAt(const QByteArray &bytes, QList<qsizetype> offsets);
/// Offsets that land inside every multi-byte UTF-8 character and in the middle of every line.
QList<qsizetype> awkwardOffsets(const QByteArray &bytes);

} // namespace vesper::test
