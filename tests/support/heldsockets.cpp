#include "heldsockets.h"

#include <QFile>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vesper::test {

bool HeldSockets::open(const QByteArray &source, quint16 port, const QByteArray &bytes)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (inet_pton(AF_INET, source.constData(), &local.sin_addr) != 1 || ::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return false;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    m_fds.append(fd);
    m_closed.append(false);
    m_received.append(QByteArray());
    qsizetype sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
        if (n > 0) {
            sent += n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            if (::poll(&p, 1, 5000) > 0 && !(p.revents & (POLLERR | POLLHUP)))
                continue;
        }
        m_closed.last() = true;
        break;
    }
    return true;
}

void HeldSockets::drain(int i)
{
    if (m_closed[i])
        return;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::recv(m_fds[i], buffer, sizeof buffer, 0);
        if (n > 0) {
            m_received[i].append(buffer, n);
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            m_closed[i] = true;
        return;
    }
}

void HeldSockets::sendAll(const QByteArray &bytes)
{
    for (int i = 0; i < m_fds.size(); ++i) {
        drain(i);
        if (!m_closed[i] && ::send(m_fds[i], bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) < 0 && errno != EAGAIN)
            m_closed[i] = true;
    }
}

int HeldSockets::stillOpen()
{
    int open = 0;
    for (int i = 0; i < m_fds.size(); ++i) {
        drain(i);
        open += m_closed[i] ? 0 : 1;
    }
    return open;
}

QByteArray HeldSockets::received(int i)
{
    drain(i);
    return m_received[i];
}

QList<int> HeldSockets::statuses()
{
    QList<int> codes;
    for (int i = 0; i < m_fds.size(); ++i) {
        const QByteArray answer = received(i);
        codes.append(answer.startsWith("HTTP/1.") && answer.size() >= 12 ? answer.mid(9, 3).toInt() : 0);
    }
    return codes;
}

void HeldSockets::closeAll()
{
    for (int fd : m_fds)
        ::close(fd);
    m_fds.clear();
    m_closed.clear();
    m_received.clear();
}

qint64 residentBytes(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() * 1024;
    }
    return 0;
}

} // namespace vesper::test
