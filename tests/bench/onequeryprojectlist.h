#pragma once
// Baseline (c): the project list in one SQL query without the project_stats read model. The
// visible page is found like ProjectRepository does (a union of two index scans), then each
// project's session count and latest visible image are computed on the fly: LATERAL subqueries
// on PostgreSQL, correlated subqueries on SQLite.
#include "domain/cursor.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace vesper::backend {
class Database;
}

namespace vesper::bench {

/// The read-model-free project list, returning the same JSON as ProjectRepository.
class OneQueryProjectList {
public:
    explicit OneQueryProjectList(backend::Database &database);

    QByteArray page(const QString &userId, int limit, const std::optional<Cursor> &after, QString *nextCursor);

private:
    QString sql(bool withCursor) const;
    backend::Database &m_database;
};

} // namespace vesper::bench
