#pragma once
// A write transaction that rolls back unless committed. On SQLite it starts with BEGIN IMMEDIATE so
// the write lock is taken up front and two writers never deadlock upgrading a read lock. Opened while
// another Transaction is open on the same connection, it becomes a savepoint inside that one, so a
// route can wrap a repository's write with its own checks (If-Match, Idempotency-Key) atomically.
#include "backend/db/writegate.h"

#include <QSqlDatabase>
#include <optional>

namespace vesper::backend {

class Database;

class Transaction {
public:
    Transaction(Database &database, const QSqlDatabase &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    /// Commits (a nested one releases its savepoint: the outer transaction commits it all).
    void commit();
    /// Whether this one is a savepoint inside an outer Transaction on the same connection.
    bool isNested() const { return !m_savepoint.isEmpty(); }
    /// Allocates `count` consecutive values of the global rev counter; returns the first.
    qint64 allocateRevs(qint64 count = 1) { return allocateRevs(m_db, count); }
    /// The same inside a transaction the caller holds on db.
    static qint64 allocateRevs(const QSqlDatabase &db, qint64 count);

private:
    std::optional<WriteGate> m_gate; // held from BEGIN to COMMIT or ROLLBACK
    Database &m_database;
    QSqlDatabase m_db;
    QString m_savepoint; // empty for the outermost transaction
    bool m_open = false;
};

} // namespace vesper::backend
