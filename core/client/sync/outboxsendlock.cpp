#include "client/sync/outboxsendlock.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace vesper::client {

OutboxSendLock::OutboxSendLock(QString dir)
    : m_path(std::move(dir) + QStringLiteral("/outbox.lock"))
{
}

OutboxSendLock::~OutboxSendLock()
{
    if (m_fd >= 0)
        ::close(m_fd); // drops the flock with it
}

bool OutboxSendLock::acquire(int waitMs, const std::function<bool()> &cancelled, QString *error)
{
    if (m_held)
        return true;
    if (m_fd < 0) {
        m_fd = ::open(QFile::encodeName(m_path).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_fd < 0) {
            *error = QStringLiteral("cannot open the outbox's lock file %1").arg(m_path);
            return false;
        }
    }
    // flock, not a POSIX lock: it belongs to this open file, so a second Outbox on the same folder
    // in this very process waits too (POSIX locks are per process and would let it through).
    const QDeadlineTimer deadline(waitMs);
    while (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            *error = QStringLiteral("cannot lock the outbox's lock file %1").arg(m_path);
            return false;
        }
        if (cancelled && cancelled()) {
            *error = QStringLiteral("cancelled while another flush was sending");
            return false;
        }
        if (deadline.hasExpired()) {
            *error = QStringLiteral("another vesper process has been sending this account's queued writes for %1 s; try again later")
                         .arg(waitMs / 1000);
            return false;
        }
        QThread::msleep(20);
    }
    m_held = true;
    return true;
}

void OutboxSendLock::release()
{
    if (m_held && m_fd >= 0)
        ::flock(m_fd, LOCK_UN);
    m_held = false;
}

} // namespace vesper::client
