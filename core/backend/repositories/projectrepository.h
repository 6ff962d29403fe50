#pragma once
// Projects: the keyset-paged list with thumbnails (from the project_stats read model), detail,
// create, update and delete. Visibility comes from access/visibility; nothing here decides it.
#include "domain/cursor.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

struct ProjectPage {
    QJsonArray data;
    QString nextCursor; // empty on the last page
};

class ProjectRepository {
public:
    explicit ProjectRepository(Database &database);

    /// GET /api/projects/with-thumbnails: projects the user owns, plus (includeShared) shared
    /// projects they are a member of, newest `updated_at` first, as a union of two index scans.
    ProjectPage listWithThumbnails(const QString &userId, bool includeShared, int limit, const std::optional<Cursor> &after);

private:
    Database &m_database;
};

} // namespace vesper::backend
