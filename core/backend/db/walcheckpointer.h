#pragma once
// SQLite's WAL checkpoints on a thread of their own. By default the commit that pushes the WAL past
// 1000 pages also copies it into the database and fsyncs, so one request in a thousand pays several
// milliseconds of disk I/O. A server turns that off on its connections (wal_autocheckpoint=0) and
// lets this thread run PASSIVE checkpoints every few hundred milliseconds instead; when readers keep
// the WAL from being recycled and it grows past a bound, one TRUNCATE checkpoint reins it in.
#include <QString>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace vesper::backend {

class Database;

class WalCheckpointer {
public:
    /// Starts at once; `database` must be SQLite and must outlive this object.
    explicit WalCheckpointer(Database &database, int intervalMs = 250, qint64 truncateBytes = 64LL << 20);
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

private:
    void loop();

    Database &m_database;
    int m_intervalMs;
    qint64 m_truncateBytes;
    QString m_walPath;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace vesper::backend
