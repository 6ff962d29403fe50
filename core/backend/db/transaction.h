#pragma once
// A write transaction that rolls back unless committed. On SQLite it starts with BEGIN IMMEDIATE so
// the write lock is taken up front and two writers never deadlock upgrading a read lock. Opened while
// another Transaction is open on the same connection, it becomes a savepoint inside that one, so a
// route can wrap a repository's write with its own checks (If-Match, Idempotency-Key) atomically.
//
// On PostgreSQL a transaction that writes synced rows takes the rev counter's row lock at BEGIN,
// before any row lock: every such writer then locks in one order (counter, then rows) and two of
// them can never deadlock (one locking a generation, then the counter; the other the reverse).
// Transactions that never allocate a rev (refresh tokens, uploads, pruning) say WithoutRevs and do
// not queue behind the writers.
#include "backend/db/writegate.h"

#include <QSqlDatabase>
#include <optional>

namespace vesper::backend {

class Database;

class Transaction {
public:
    enum Revs { WithRevs, WithoutRevs };
    Transaction(Database &database, const QSqlDatabase &db, Revs revs = WithRevs);
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
