#include "rawhttp.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QTcpSocket>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace vesper::test {

RawReply parseRaw(QByteArray buffer, bool *complete)
{
    RawReply reply;
    *complete = false;
    // Interim 1xx responses (100 Continue) come first; the final response follows them.
    while (buffer.startsWith("HTTP/1.1 1") || buffer.startsWith("HTTP/1.0 1")) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return reply;
        buffer.remove(0, end + 4);
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return reply;
    reply.head = buffer.left(end);
    const QList<QByteArray> first = reply.head.split('\n').first().split(' ');
    if (first.size() >= 2)
        reply.status = first[1].toInt();
    qint64 length = -1;
    for (const QByteArray &line : reply.head.split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    reply.body = buffer.mid(end + 4);
    *complete = length < 0 ? reply.status == 204 : reply.body.size() >= length;
    if (length >= 0)
        reply.body.truncate(length);
    return reply;
}

namespace {
RawReply exchange(const QByteArray &source, quint16 port, const QByteArray &head, const QByteArray &body, int timeoutMs,
                  bool waitForContinue)
{
#ifdef Q_OS_UNIX
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return RawReply{0, {}, {}, QStringLiteral("socket failed")};
    if (!source.isEmpty()) {
        sockaddr_in local{};
        local.sin_family = AF_INET;
        if (inet_pton(AF_INET, source.constData(), &local.sin_addr) != 1
            || ::bind(fd, reinterpret_cast<const sockaddr *>(&local), sizeof local) != 0) {
            ::close(fd);
            return RawReply{0, {}, {}, QStringLiteral("cannot bind to %1").arg(QString::fromLatin1(source))};
        }
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return RawReply{0, {}, {}, QStringLiteral("cannot connect")};
    }
    QByteArray received;
    bool complete = false;
    bool readable = true;
    QString error;
    QByteArray pending = head;
    const QByteArray rest = body;
    bool bodyQueued = !waitForContinue;
    if (bodyQueued)
        pending += rest;
    qsizetype sent = 0;
    QElapsedTimer timer;
    timer.start();
    while (readable && !complete && timer.elapsed() < timeoutMs) {
        const bool answered = parseRaw(received, &complete).status != 0;
        if (!bodyQueued && (received.contains("\r\n\r\n") || timer.elapsed() > 5000)) {
            if (!answered) // 100 Continue (or no word for 5 s): send the body now
                pending += rest;
            bodyQueued = true;
        }
        const bool wantWrite = !answered && sent < pending.size();
        pollfd p{fd, short(POLLIN | (wantWrite ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, 100) < 0)
            break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buffer[65536];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                received.append(buffer, n);
            } else {
                if (n < 0)
                    error = QString::fromLocal8Bit(strerror(errno));
                readable = false;
            }
        }
        if (wantWrite && (p.revents & POLLOUT)) {
            const ssize_t n = ::send(fd, pending.constData() + sent, size_t(std::min<qsizetype>(pending.size() - sent, 65536)), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else
                pending.truncate(sent); // the server stopped reading; keep listening for its answer
        }
        parseRaw(received, &complete);
    }
    ::close(fd);
    RawReply reply = parseRaw(received, &complete);
    if (reply.status == 0)
        reply.error = QStringLiteral("no response (%1 bytes sent): %2").arg(sent).arg(error);
    return reply;
#else
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return RawReply{0, {}, {}, QStringLiteral("cannot connect")};
    socket.write(head);
    if (waitForContinue)
        socket.waitForReadyRead(5000);
    QByteArray received = socket.readAll();
    bool complete = false;
    if (parseRaw(received, &complete).status == 0)
        socket.write(body);
    QElapsedTimer timer;
    timer.start();
    while (!complete && timer.elapsed() < timeoutMs && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(100);
        received += socket.readAll();
        parseRaw(received, &complete);
    }
    return parseRaw(received, &complete);
#endif
}
} // namespace

RawReply rawExchange(quint16 port, const QByteArray &head, const QByteArray &body, int timeoutMs, bool waitForContinue)
{
    return exchange({}, port, head, body, timeoutMs, waitForContinue);
}

RawReply rawExchangeFrom(const QByteArray &source, quint16 port, const QByteArray &head, const QByteArray &body, int timeoutMs)
{
    return exchange(source, port, head, body, timeoutMs, false);
}

QByteArray requestHead(const QByteArray &method, const QByteArray &target, const QString &token, qint64 contentLength,
                       const QByteArray &extra)
{
    QByteArray head = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.isEmpty())
        head += "Authorization: Bearer " + token.toLatin1() + "\r\n";
    if (contentLength >= 0)
        head += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n";
    return head + extra + "\r\n";
}

QString describe(const RawReply &reply)
{
    return QStringLiteral("HTTP %1 %2 %3").arg(reply.status).arg(QString::fromUtf8(reply.body.left(400)), reply.error);
}

} // namespace vesper::test
