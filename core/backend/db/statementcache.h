#pragma once
// Per-thread prepared statements, kept with the thread's connections (database.cpp) so they are
// destroyed before the connection they belong to.
#include <QSqlQuery>
#include <QString>
#include <memory>

namespace vesper::backend {

struct CachedStatement {
    explicit CachedStatement(const QSqlDatabase &db) : query(db) {}
    QSqlQuery query;
    bool prepared = false;
    bool inUse = false;
};

/// This thread's statement for sql on the named connection, marked in use; nullptr when the
/// connection is not one of ours or the statement is already in use (the caller prepares its own).
std::shared_ptr<CachedStatement> acquireStatement(const QString &connectionName, const QString &sql);
void releaseStatement(const std::shared_ptr<CachedStatement> &statement);

} // namespace vesper::backend
