#include "client/cache/cachefileguard.h"

#include <QFile>
#include <QFileInfo>
#include <QStorageInfo>
#include <QThread>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace vesper::client {
namespace {
// SQLite's lock bytes (os_unix.c): PENDING_BYTE 0x40000000, then RESERVED and the SHARED range (510).
constexpr off_t kDbLockStart = 0x40000000;
constexpr off_t kDbLockLength = 512;
// In the -shm file: the 8 WAL locks at 120 and the DMS byte at 128 every open WAL connection holds.
constexpr off_t kShmLockStart = 120;
constexpr off_t kShmLockLength = 9;

// Whether some other process holds a POSIX lock on [start, start+length) of path.
bool lockedByOther(const QString &path, off_t start, off_t length)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct flock probe {};
    probe.l_type = F_WRLCK;
    probe.l_whence = SEEK_SET;
    probe.l_start = start;
    probe.l_len = length;
    const bool held = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
    // Closing drops this process's POSIX locks on the file, but SQLite's connections on it are
    // closed by now (the caller closed them before asking).
    ::close(fd);
    return held;
}
} // namespace

CacheFileGuard::CacheFileGuard(QString databasePath)
    : m_path(std::move(databasePath))
{
}

CacheFileGuard::~CacheFileGuard()
{
    if (m_fd >= 0)
        ::close(m_fd); // releases the flock
}

bool CacheFileGuard::hold(QString *error)
{
    if (m_fd < 0) {
        m_fd = ::open(QFile::encodeName(m_path + QStringLiteral(".holders")).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (m_fd < 0) {
            *error = QStringLiteral("cannot create the lock file beside %1").arg(m_path);
            return false;
        }
    }
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::flock(m_fd, LOCK_SH | LOCK_NB) == 0)
            return true;
        QThread::msleep(50);
    }
    *error = QStringLiteral("another process kept the cache %1 locked for 5 seconds (rebuilding it?)").arg(m_path);
    return false;
}

bool CacheFileGuard::lockExclusive()
{
    return m_fd >= 0 && ::flock(m_fd, LOCK_EX | LOCK_NB) == 0;
}

void CacheFileGuard::unlockExclusive()
{
    if (m_fd >= 0)
        ::flock(m_fd, LOCK_SH);
}

bool CacheFileGuard::othersHold(QString *who)
{
    if (lockedByOther(m_path, kDbLockStart, kDbLockLength)) {
        *who = QStringLiteral("another process holds a lock on it");
        return true;
    }
    if (QFileInfo::exists(m_path + QStringLiteral("-shm")) && lockedByOther(m_path + QStringLiteral("-shm"), kShmLockStart, kShmLockLength)) {
        *who = QStringLiteral("another process has it open");
        return true;
    }
    if (m_fd >= 0) {
        if (!lockExclusive()) {
            *who = QStringLiteral("another Vesper process has it open");
            return true;
        }
        unlockExclusive();
    }
    return false;
}

qint64 CacheFileGuard::freeBytes() const
{
    const QStorageInfo storage(QFileInfo(m_path).absolutePath());
    return storage.isValid() ? storage.bytesAvailable() : -1;
}

} // namespace vesper::client
