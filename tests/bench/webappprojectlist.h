#pragma once
// Baseline (b): the project list computed the way the web app Vesper replaces did it. One query
// for every visible project, one for all of their sessions, one for all completed generations of
// those sessions with their image outputs; session counts and the latest image of each project
// are then picked in application code, and the page is cut from the sorted whole.
#include "domain/cursor.h"

#include <QByteArray>
#include <QString>
#include <optional>

namespace vesper::backend {
class Database;
}

namespace vesper::bench {

/// The web app's three-query project list, returning the same JSON as ProjectRepository.
class WebAppProjectList {
public:
    explicit WebAppProjectList(backend::Database &database);

    /// One page (owned plus shared projects) as a JSON array; nextCursor empty on the last page.
    QByteArray page(const QString &userId, int limit, const std::optional<Cursor> &after, QString *nextCursor);
    /// Rows the last call read from the database (for the report).
    qint64 rowsRead() const { return m_rowsRead; }

private:
    backend::Database &m_database;
    qint64 m_rowsRead = 0;
};

} // namespace vesper::bench
