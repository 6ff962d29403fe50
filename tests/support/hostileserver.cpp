#include "hostileserver.h"

#include <QPointer>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

namespace vesper::test {
namespace {
QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

QByteArray head(const HostileReply &reply, qint64 contentLength)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(reply.status) + ' ' + reasonPhrase(reply.status) + "\r\n";
    out += "Content-Type: " + reply.contentType + "\r\nConnection: close\r\n";
    if (contentLength >= 0)
        out += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    for (const auto &[name, value] : reply.headers)
        out += name + ": " + value + "\r\n";
    return out + "\r\n";
}

/// Writes filler in 1 MiB pieces as the peer reads, so a huge body never sits in memory whole.
void stream(QTcpSocket *socket, qint64 remaining)
{
    auto left = std::make_shared<qint64>(remaining);
    const QByteArray chunk(1 << 20, 'x');
    auto pump = [socket, left, chunk] {
        while (*left > 0 && socket->bytesToWrite() < (4 << 20) && socket->state() == QAbstractSocket::ConnectedState) {
            const qint64 n = qMin<qint64>(*left, chunk.size());
            socket->write(chunk.constData(), n);
            *left -= n;
        }
        if (*left <= 0 && socket->bytesToWrite() == 0)
            socket->disconnectFromHost();
    };
    QObject::connect(socket, &QTcpSocket::bytesWritten, socket, pump);
    pump();
}

void answer(QTcpSocket *socket, const HostileReply &reply)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    switch (reply.mode) {
    case HostileReply::Mode::HangBeforeHeaders:
        return;
    case HostileReply::Mode::HangAfterHeaders:
        socket->write(head(reply, qMax<qint64>(reply.body.size(), 1000)) + reply.body.left(reply.body.size() / 2));
        return;
    case HostileReply::Mode::DropMidBody:
        socket->write(head(reply, reply.body.size()) + reply.body.left(reply.body.size() / 2));
        socket->flush();
        QTimer::singleShot(50, socket, [socket] { socket->abort(); });
        return;
    case HostileReply::Mode::Stream:
        socket->write(head(reply, reply.declareLength ? reply.streamBytes : -1));
        stream(socket, reply.streamBytes);
        return;
    case HostileReply::Mode::Normal:
        socket->write(head(reply, reply.declareLength ? reply.body.size() : -1) + reply.body);
        socket->disconnectFromHost();
        return;
    }
}

void serve(QTcpSocket *socket, HostileServer *server)
{
    auto buffer = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, server, answered] {
        if (*answered)
            server->finished();
        socket->deleteLater();
    });
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, server, buffer, answered] {
        buffer->append(socket->readAll());
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (*answered || end < 0)
            return;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        qint64 length = 0;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer->size() < end + 4 + length)
            return; // the body is still arriving
        *answered = true;
        const QByteArray path = requestLine.value(1).split('?').value(0);
        const HostileReply reply = server->handle(requestLine.value(0), path);
        if (reply.delayMs > 0)
            QTimer::singleShot(reply.delayMs, socket, [socket, reply] { answer(socket, reply); });
        else
            answer(socket, reply);
    });
}
} // namespace

HostileReply HostileReply::json(const QByteArray &body, int status)
{
    HostileReply reply;
    reply.body = body;
    reply.status = status;
    return reply;
}

HostileServer::HostileServer() = default;

HostileServer::~HostileServer()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

bool HostileServer::start(QString *error)
{
    m_thread = std::make_unique<QThread>();
    auto *context = new QObject;
    context->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, context, &QObject::deleteLater);
    m_thread->start();
    QSemaphore ready;
    QMetaObject::invokeMethod(context, [&, context] {
        auto *listener = new QTcpServer(context);
        QObject::connect(listener, &QTcpServer::newConnection, listener, [listener, this] {
            while (QTcpSocket *socket = listener->nextPendingConnection())
                serve(socket, this);
        });
        if (listener->listen(QHostAddress::LocalHost, 0))
            m_port = listener->serverPort();
        else
            *error = listener->errorString();
        ready.release();
    }, Qt::QueuedConnection);
    ready.acquire();
    return m_port != 0;
}

void HostileServer::setHandler(Handler handler)
{
    QMutexLocker lock(&m_mutex);
    m_handler = std::move(handler);
}

HostileReply HostileServer::handle(const QByteArray &method, const QByteArray &path)
{
    Handler handler;
    int hit = 0;
    {
        QMutexLocker lock(&m_mutex);
        hit = ++m_hits[path];
        m_peak = qMax(m_peak, ++m_inFlight);
        handler = m_handler;
    }
    return handler ? handler(method, path, hit) : HostileReply::json("{}");
}

void HostileServer::finished()
{
    QMutexLocker lock(&m_mutex);
    --m_inFlight;
}

int HostileServer::hits(const QByteArray &path) const
{
    QMutexLocker lock(&m_mutex);
    return m_hits.value(path);
}

int HostileServer::peakInFlight() const
{
    QMutexLocker lock(&m_mutex);
    return m_peak;
}

void HostileServer::resetCounters()
{
    QMutexLocker lock(&m_mutex);
    m_hits.clear();
    m_peak = 0;
}

} // namespace vesper::test
