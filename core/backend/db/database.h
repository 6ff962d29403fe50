#pragma once
// The backend's handle on its database: one QSqlDatabase connection per thread (QtSql connections
// must stay on the thread that opened them), opened with the dialect's settings.
#include "backend/db/dbconfig.h"

#include <QRecursiveMutex>
#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <memory>

namespace vesper::backend {

class ChangeNotifier;
class WalCheckpointer;

class Database {
public:
    explicit Database(DbConfig config);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const DbConfig &config() const { return m_config; }
    Dialect dialect() const { return m_config.dialect; }
    bool isSqlite() const { return m_config.dialect == Dialect::Sqlite; }

    /// This thread's open connection; throws DbError when it cannot be opened.
    QSqlDatabase connection();
    /// Opens a connection once to report a clear error at start-up instead of on the first request.
    bool check(QString *error);
    /// SQLite: copies the whole WAL into the database and empties it (wal_checkpoint TRUNCATE),
    /// retrying while the background checkpointer holds its lock; false when it never went through
    /// within about 2 s (a reader held it). PostgreSQL: nothing to do, true.
    bool truncateWal();
    /// Who hears about commits and progress on this database (change streams); see ChangeNotifier.
    ChangeNotifier &changes() { return *m_changes; }
    /// The mutex that queues this database's SQLite writers (WriteGate takes it; the WAL
    /// checkpointer holds it for its short gated steps). Another Database has its own.
    QRecursiveMutex &writeGate() const { return m_writeGate; }

    // Dialect fragments, so one SQL text serves both databases.
    /// A bound time parameter (integer microseconds) as the column type.
    QString timeParam(const QString &placeholder) const;
    /// A time column read back as integer microseconds.
    QString timeColumn(const QString &column) const;
    /// A bound JSON text parameter as the column type.
    QString jsonParam(const QString &placeholder) const;

private:
    QSqlDatabase open(const QString &name, QString *error);

    DbConfig m_config;
    int m_instance;
    mutable QRecursiveMutex m_writeGate; // before the checkpointer, which holds on to it
    std::unique_ptr<WalCheckpointer> m_checkpointer; // SQLite only
    std::unique_ptr<ChangeNotifier> m_changes;
    static std::atomic<int> s_instances;
};

} // namespace vesper::backend
