#pragma once
// A write transaction that rolls back unless committed. On SQLite it starts with BEGIN IMMEDIATE so
// the write lock is taken up front and two writers never deadlock upgrading a read lock.
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

    void commit();
    /// Allocates `count` consecutive values of the global rev counter; returns the first.
    qint64 allocateRevs(qint64 count = 1) { return allocateRevs(m_db, count); }
    /// The same inside a transaction the caller holds on db.
    static qint64 allocateRevs(const QSqlDatabase &db, qint64 count);

private:
    std::optional<WriteGate> m_gate; // held from BEGIN to COMMIT or ROLLBACK
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace vesper::backend
