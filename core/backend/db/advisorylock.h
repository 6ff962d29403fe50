#pragma once
// Work that must happen once across every server instance on one PostgreSQL database (a periodic
// sweep, one job at a time on an A1111 web UI) runs under a session-level advisory lock taken by
// whichever instance asks first. The lock lives on this thread's connection: a killed instance frees
// it with its connections. On SQLite there is one process, so it is always granted.
#include <QString>

namespace vesper::backend {

class Database;

class AdvisoryLock {
public:
    /// Tries to take the lock called `name` on this thread's connection without waiting; see held().
    /// A database that fails counts as not taken (logged), so the caller skips or retries the work.
    static AdvisoryLock tryTake(Database &database, const QString &name);
    AdvisoryLock(AdvisoryLock &&other) noexcept;
    AdvisoryLock &operator=(AdvisoryLock &&) = delete;
    /// Gives the lock back (on the same thread that took it).
    ~AdvisoryLock();

    /// Whether this instance holds the lock now.
    bool held() const { return m_held; }

private:
    AdvisoryLock(Database *database, QString name, bool held, bool postgres);

    Database *m_database;
    QString m_name;
    bool m_held;
    bool m_postgres;
};

} // namespace vesper::backend
