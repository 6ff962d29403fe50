#pragma once
// Projects: the keyset-paged list with thumbnails (from the project_stats read model), detail,
// create, update and delete. Visibility comes from access/visibility; nothing here decides it.
#include "domain/cursor.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace vesper::backend {

struct GenerationFolder;

class Database;

struct ProjectPage {
    QByteArray data;    // a JSON array of project objects
    int count = 0;
    QString nextCursor; // empty on the last page
};

class ProjectRepository {
public:
    explicit ProjectRepository(Database &database);

    /// GET /api/projects/with-thumbnails: projects the user owns, plus (includeShared) shared
    /// projects they are a member of, newest `updated_at` first, as a union of two index scans.
    ProjectPage listWithThumbnails(const QString &userId, bool includeShared, int limit, const std::optional<Cursor> &after);

    /// The members of one project object as the caller sees it (role decides the counts), to be
    /// written inside braces; nullopt when it is gone.
    std::optional<QByteArray> fetchMembers(const QString &projectId, const QString &role);
    /// Creates a project with its first session, "Session 1" (unless withFirstSession is false: a
    /// client that makes its own first session); returns the project id.
    QString create(const QString &ownerId, const QString &name, const QString &description, bool isShared,
                   bool withFirstSession = true);
    struct Changes {
        std::optional<QString> name;
        std::optional<QString> description;
        std::optional<bool> isShared;
    };
    /// Applies an owner's edit; sharing changes emit tombstones or regrants for the members. Values
    /// equal to the current ones are no change: when nothing changes, nothing is written (no new rev,
    /// no new updated_at, nothing in anyone's feed) and it returns false.
    bool update(const QString &projectId, const Changes &changes);
    /// Deletes the project and everything in it, leaving tombstones for everyone who saw it.
    /// Deletes the project with everything in it (unfinished generations refunded); returns the
    /// generations' folders, which the caller removes from the object store.
    QList<GenerationFolder> remove(const QString &projectId);

private:
    Database &m_database;
};

} // namespace vesper::backend
