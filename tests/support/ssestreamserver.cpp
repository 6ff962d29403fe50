#include "ssestreamserver.h"

#include <QJsonDocument>
#include <QSemaphore>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <algorithm>

namespace vesper::test {
namespace {
QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 529: return "Overloaded";
    default: return "Status";
    }
}

QByteArray chunk(const QByteArray &piece)
{
    return QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
}

void writePieces(QTcpSocket *socket, std::shared_ptr<StreamPlan> plan, qsizetype next)
{
    if (socket->state() != QAbstractSocket::ConnectedState)
        return;
    while (next < plan->pieces.size()) {
        if (!plan->pieces.at(next).isEmpty())
            socket->write(chunk(plan->pieces.at(next)));
        socket->flush();
        ++next;
        if (plan->pieceDelayMs > 0 && next < plan->pieces.size()) {
            QTimer::singleShot(plan->pieceDelayMs, socket, [socket, plan, next] { writePieces(socket, plan, next); });
            return;
        }
    }
    switch (plan->end) {
    case StreamPlan::End::Finish:
        socket->write("0\r\n\r\n");
        socket->disconnectFromHost();
        return;
    case StreamPlan::End::Drop:
        socket->flush();
        QTimer::singleShot(20, socket, [socket] { socket->abort(); });
        return;
    case StreamPlan::End::Hang:
        return;
    }
}

void answer(QTcpSocket *socket, const StreamPlan &plan)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(plan.status) + ' ' + reasonPhrase(plan.status) + "\r\n";
    head += "Content-Type: " + plan.contentType + "\r\nConnection: close\r\n";
    for (const auto &[name, value] : plan.headers)
        head += name + ": " + value + "\r\n";
    if (!plan.chunked) {
        const QByteArray body = plan.pieces.join();
        socket->write(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        socket->disconnectFromHost();
        return;
    }
    socket->write(head + "Transfer-Encoding: chunked\r\nCache-Control: no-cache\r\n\r\n");
    socket->flush();
    writePieces(socket, std::make_shared<StreamPlan>(plan), 0);
}

void serve(QTcpSocket *socket, SseStreamServer *server)
{
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    auto buffer = std::make_shared<QByteArray>();
    auto answered = std::make_shared<bool>(false);
    server->connectionOpened();
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, server] {
        server->connectionClosed();
        socket->deleteLater();
    });
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, server, buffer, answered] {
        buffer->append(socket->readAll());
        const qsizetype end = buffer->indexOf("\r\n\r\n");
        if (*answered || end < 0)
            return;
        const QList<QByteArray> lines = buffer->left(end).split('\n');
        StreamRequest request;
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        request.method = requestLine.value(0);
        request.path = requestLine.value(1).split('?').value(0);
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const qsizetype colon = lines.at(i).indexOf(':');
            if (colon > 0)
                request.headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
        }
        const qint64 length = request.headers.value("content-length").toLongLong();
        if (buffer->size() < end + 4 + length)
            return; // the body is still arriving
        *answered = true;
        request.body = buffer->mid(end + 4, length);
        answer(socket, server->handle(request));
    });
}
} // namespace

QJsonObject StreamRequest::json() const
{
    return QJsonDocument::fromJson(body).object();
}

StreamPlan StreamPlan::json(int status, const QByteArray &body)
{
    StreamPlan plan;
    plan.status = status;
    plan.contentType = "application/json";
    plan.pieces = {body};
    plan.chunked = false;
    return plan;
}

SseStreamServer::SseStreamServer(Handler handler) : m_handler(std::move(handler)) {}

SseStreamServer::~SseStreamServer()
{
    if (m_thread) {
        m_thread->quit();
        m_thread->wait();
    }
}

bool SseStreamServer::start(QString *error)
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
        else if (error)
            *error = listener->errorString();
        ready.release();
    }, Qt::QueuedConnection);
    ready.acquire();
    return m_port != 0;
}

QList<QByteArray> splitAt(const QByteArray &bytes, QList<qsizetype> offsets)
{
    std::sort(offsets.begin(), offsets.end());
    QList<QByteArray> out;
    qsizetype from = 0;
    for (const qsizetype at : std::as_const(offsets)) {
        if (at <= from || at >= bytes.size())
            continue;
        out.append(bytes.mid(from, at - from));
        from = at;
    }
    out.append(bytes.mid(from));
    return out;
}

QList<qsizetype> awkwardOffsets(const QByteArray &bytes)
{
    QList<qsizetype> out;
    qsizetype lineStart = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const auto c = static_cast<unsigned char>(bytes.at(i));
        if (c >= 0xC0) // the lead byte of a multi-byte character: cut right after it
            out.append(i + 1);
        if (c == '\n' || c == '\r') {
            if (i > lineStart + 1)
                out.append(lineStart + (i - lineStart) / 2);
            if (c == '\r')
                out.append(i + 1); // between CR and LF
            lineStart = i + 1;
        }
    }
    return out;
}

} // namespace vesper::test
