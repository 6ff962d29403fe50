#pragma once
// The client's cache file, <dir>/cache.sqlite: opened in WAL mode with one connection per thread,
// checked (PRAGMA quick_check) and migrated at open, and rebuilt when damaged, since it only mirrors
// the server. A rebuild never touches a file another process holds and never runs on a full disk.
// The app may defer the full check (it reads the whole file: ~1 s at 100k generations) to a thread
// after its first paint (CheckLater, then checkUnmapped()); the header is still read at open.
#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <memory>

namespace vesper::client {

class CacheFileGuard;

class CacheDatabase {
public:
    /// dir is the cache folder (created when missing); the file is dir/cache.sqlite.
    explicit CacheDatabase(QString dir);
    ~CacheDatabase();
    CacheDatabase(const CacheDatabase &) = delete;
    CacheDatabase &operator=(const CacheDatabase &) = delete;

    /// Now: quick_check at open (a damaged file is rebuilt there). Later: only the header and the
    /// schema are read at open; the caller runs checkUnmapped() off the GUI thread and reopens with
    /// Now when it finds damage.
    enum class Check { Now, Later };
    /// Opens, checks, rebuilds when damaged and migrates; false with one readable sentence in error.
    bool open(QString *error, Check check = Check::Now);
    bool isOpen() const { return m_open; }
    /// Whether open() found the file damaged and started a new one (the old one moved aside).
    bool wasRebuilt() const { return m_rebuilt; }
    QString path() const { return m_path; }
    QString directory() const { return m_dir; }
    /// Where a damaged file is moved (with -wal/-shm beside it as .broken-wal/.broken-shm).
    QString brokenPath() const { return m_path + QStringLiteral(".broken"); }

    /// This thread's connection (opened on first use after open()); invalid with *error set when
    /// the database is not open or the connection fails. Never share it across threads.
    QSqlDatabase connection(QString *error = nullptr);
    /// Runs PRAGMA quick_check on this thread's connection; true when it answers "ok".
    bool quickCheck(QString *error);
    /// quick_check on a connection of its own without memory mapping (so checking the whole file
    /// does not map it all into this process), closed afterwards. Any thread; true when "ok".
    bool checkUnmapped(QString *error);
    /// Closes this thread's connection (the destructor does too; other threads' close when those threads end).
    void closeThreadConnection();

    /// Free space a rebuild needs at least (default 64 MiB); with less free, a damaged cache is left
    /// alone and open() fails saying so.
    void setMinFreeBytesForRebuild(qint64 bytes) { m_minFreeBytes = bytes; }

private:
    enum class Outcome { Ok, Damaged, Failed };
    Outcome tryOpen(QString *error, Check check);
    bool rebuild(const QString &why, QString *error);
    bool openConnection(const QString &name, QString *error);

    QString m_dir;
    QString m_path;
    std::unique_ptr<CacheFileGuard> m_guard;
    int m_instance;
    qint64 m_minFreeBytes = 64LL * 1024 * 1024;
    bool m_open = false;
    bool m_rebuilt = false;
    static std::atomic<int> s_instances;
};

} // namespace vesper::client
