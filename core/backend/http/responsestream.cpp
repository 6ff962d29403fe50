#include "backend/http/responsestream.h"

#include <microhttpd.h>
#include <poll.h>

namespace vesper::backend {

ResponseStream::ResponseStream(qint64 maxPendingBytes)
    : m_maxPending(maxPendingBytes)
{
}

bool ResponseStream::write(const QByteArray &bytes)
{
    std::lock_guard lock(m_mutex);
    if (m_finished || m_failed || m_released)
        return false;
    if (m_pending.size() - m_sent + bytes.size() > m_maxPending) {
        m_failed = true; // a reader this far behind is gone or hostile: end the connection
        wakeLocked();
        return false;
    }
    if (m_sent > 0 && m_sent == m_pending.size()) {
        m_pending.clear();
        m_sent = 0;
    }
    m_pending.append(bytes);
    wakeLocked();
    return true;
}

void ResponseStream::finish()
{
    std::lock_guard lock(m_mutex);
    if (m_finished || m_released)
        return;
    m_finished = true;
    wakeLocked();
}

bool ResponseStream::isOpen() const
{
    std::lock_guard lock(m_mutex);
    return !m_finished && !m_failed && !m_released;
}

bool ResponseStream::checkPeer()
{
    std::lock_guard lock(m_mutex);
    if (m_finished || m_failed || m_released)
        return false;
    if (!m_suspended || !m_connection)
        return true; // awake: libmicrohttpd watches the socket itself
    const MHD_ConnectionInfo *info = MHD_get_connection_info(m_connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (!info)
        return true;
    // An event-stream client sends nothing after its request: a hang-up or an error is all there is to see.
    pollfd socket{info->connect_fd, POLLRDHUP, 0};
    if (::poll(&socket, 1, 0) <= 0 || !(socket.revents & (POLLRDHUP | POLLHUP | POLLERR)))
        return true;
    m_failed = true;
    wakeLocked(); // libmicrohttpd closes the connection and releases the stream
    return false;
}

void ResponseStream::setOnClosed(std::function<void()> onClosed)
{
    {
        std::lock_guard lock(m_mutex);
        if (!m_released) {
            m_onClosed = std::move(onClosed);
            return;
        }
    }
    if (onClosed)
        onClosed();
}

void ResponseStream::attach(MHD_Connection *connection)
{
    std::lock_guard lock(m_mutex);
    m_connection = connection;
}

long ResponseStream::readInto(char *buffer, size_t max)
{
    std::lock_guard lock(m_mutex);
    if (m_failed)
        return long(MHD_CONTENT_READER_END_WITH_ERROR);
    const qsizetype available = m_pending.size() - m_sent;
    if (available > 0) {
        const qsizetype n = std::min<qsizetype>(available, qsizetype(max));
        memcpy(buffer, m_pending.constData() + m_sent, size_t(n));
        m_sent += n;
        if (m_sent == m_pending.size()) {
            m_pending.clear();
            m_sent = 0;
        }
        return long(n);
    }
    if (m_finished)
        return long(MHD_CONTENT_READER_END_OF_STREAM);
    // Nothing to send: the connection sleeps (no polling, no timeout) until write() resumes it.
    // Returning 0 without suspending would make libmicrohttpd call again at once, in a busy loop.
    m_suspended = true;
    MHD_suspend_connection(m_connection);
    return 0;
}

void ResponseStream::released()
{
    std::function<void()> onClosed;
    {
        std::lock_guard lock(m_mutex);
        m_released = true;
        m_suspended = false;
        m_connection = nullptr;
        m_pending.clear();
        onClosed = std::move(m_onClosed);
        m_onClosed = nullptr;
    }
    if (onClosed)
        onClosed();
}

void ResponseStream::abort()
{
    std::lock_guard lock(m_mutex);
    m_finished = true;
    m_failed = true;
    wakeLocked();
}

void ResponseStream::wakeLocked()
{
    if (m_suspended && m_connection) {
        m_suspended = false;
        MHD_resume_connection(m_connection);
    }
}

} // namespace vesper::backend
