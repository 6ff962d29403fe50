#pragma once
// The safety checks before a damaged cache file is moved aside: is another process using it (a
// shared flock on "<file>.holders" that every open CacheDatabase holds, and SQLite's own POSIX locks
// on the file and its -shm), and is there room on the disk to build a new one.
#include <QString>

namespace vesper::client {

class CacheFileGuard {
public:
    explicit CacheFileGuard(QString databasePath);
    ~CacheFileGuard();
    CacheFileGuard(const CacheFileGuard &) = delete;
    CacheFileGuard &operator=(const CacheFileGuard &) = delete;

    /// Takes the shared holder lock (waits up to a few seconds for a rebuild elsewhere to finish).
    bool hold(QString *error);
    /// Whether a process other than this CacheDatabase has the file open or locked; *who says how.
    bool othersHold(QString *who);
    /// Takes the holder lock exclusively (no other holder may appear while moving files); false if held.
    bool lockExclusive();
    /// Back to the shared holder lock after lockExclusive().
    void unlockExclusive();
    /// Free bytes on the disk holding the file; -1 when unknown.
    qint64 freeBytes() const;

private:
    QString m_path;
    int m_fd = -1;
};

} // namespace vesper::client
