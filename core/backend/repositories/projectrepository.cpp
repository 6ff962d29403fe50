#include "backend/repositories/projectrepository.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/projectstats.h"
#include "backend/repositories/rowcodec.h"
#include "common/clock.h"
#include "common/jsonwriter.h"
#include "common/uuid.h"

namespace vesper::backend {

ProjectRepository::ProjectRepository(Database &database)
    : m_database(database)
{
}

ProjectPage ProjectRepository::listWithThumbnails(const QString &userId, bool includeShared, int limit,
                                                  const std::optional<Cursor> &after)
{
    const Database &d = m_database;
    // Each branch walks its own index in sort order and stops after limit+1 rows; the outer query
    // merges the two short lists. An OR over ownership and membership would read every project.
    const QString keyset = after ? QStringLiteral(" AND (p.updated_at, p.id) < (%1, :cid)").arg(d.timeParam(QStringLiteral(":ct")))
                                 : QString();
    QString branches = QStringLiteral("SELECT * FROM (SELECT p.id, p.updated_at, 'owner' AS role FROM projects p "
                                      "WHERE p.owner_id = :u%1 ORDER BY p.updated_at DESC, p.id DESC LIMIT :n) AS mine")
                           .arg(keyset);
    if (includeShared) {
        // project_members carries its project's sort key and sharing flag (migration 0003), so this
        // branch is an index walk too, not a sort of every membership.
        const QString memberKeyset = after ? QStringLiteral(" AND (m.project_updated_at, m.project_id) < (%1, :cid)")
                                                 .arg(d.timeParam(QStringLiteral(":ct")))
                                           : QString();
        branches += QStringLiteral(" UNION ALL SELECT * FROM (SELECT m.project_id AS id, m.project_updated_at AS updated_at, m.role "
                                   "FROM project_members m WHERE m.user_id = :u AND m.project_shared%1 "
                                   "ORDER BY m.project_updated_at DESC, m.project_id DESC LIMIT :n) AS shared")
                        .arg(memberKeyset);
    }
    const QString sql = QStringLiteral("SELECT %1, x.role FROM (%2) AS x JOIN projects p ON p.id = x.id %3 "
                                       "ORDER BY x.updated_at DESC, x.id DESC LIMIT :n")
                            .arg(rowcodec::projectColumns(d), branches, rowcodec::projectJoins());
    SqlQuery q(m_database.connection(), sql);
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":n"), limit + 1);
    if (after)
        q.bind(QStringLiteral(":ct"), after->timeMicros).bind(QStringLiteral(":cid"), after->id);
    q.exec();
    ProjectPage page;
    JsonWriter w(limit * 512);
    w.beginArray();
    Cursor last;
    while (q.next()) {
        if (page.count == limit) {
            page.nextCursor = last.encode();
            break;
        }
        w.beginObject();
        rowcodec::projectFields(w, q, 0, q.text(rowcodec::kProjectColumnCount));
        w.endObject();
        last = Cursor{q.int64(rowcodec::kProjectUpdatedAtColumn), q.text(0)};
        ++page.count;
    }
    w.endArray();
    page.data = w.take();
    return page;
}

std::optional<QByteArray> ProjectRepository::fetchMembers(const QString &projectId, const QString &role)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT %1 FROM projects p %2 WHERE p.id = :p")
                                            .arg(rowcodec::projectColumns(m_database), rowcodec::projectJoins()));
    q.bind(QStringLiteral(":p"), projectId).exec();
    if (!q.next())
        return std::nullopt;
    JsonWriter w(1024);
    rowcodec::projectFields(w, q, 0, role);
    return w.take();
}

QString ProjectRepository::create(const QString &ownerId, const QString &name, const QString &description, bool isShared,
                                  bool withFirstSession)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    const qint64 now = nowMicros();
    const qint64 rev = tx.allocateRevs(withFirstSession ? 2 : 1);
    const QString projectId = newUuidV7();
    SqlQuery project(db, QStringLiteral("INSERT INTO projects (id, owner_id, name, description, is_shared, created_at, updated_at, rev, shared_rev) "
                                        "VALUES (:id, :owner, :name, :description, :shared, %1, %1, :rev, :rev)")
                             .arg(d.timeParam(QStringLiteral(":now"))));
    project.bind(QStringLiteral(":id"), projectId).bind(QStringLiteral(":owner"), ownerId).bind(QStringLiteral(":name"), name)
        .bind(QStringLiteral(":description"), description).bind(QStringLiteral(":shared"), isShared)
        .bind(QStringLiteral(":now"), now).bind(QStringLiteral(":rev"), rev).exec();
    if (withFirstSession) {
        SqlQuery session(db, QStringLiteral("INSERT INTO sessions (id, project_id, creator_id, name, type, is_private, created_at, updated_at, rev) "
                                            "VALUES (:id, :project, :creator, 'Session 1', 'image', FALSE, %1, %1, :rev)")
                                 .arg(d.timeParam(QStringLiteral(":now"))));
        session.bind(QStringLiteral(":id"), newUuidV7()).bind(QStringLiteral(":project"), projectId)
            .bind(QStringLiteral(":creator"), ownerId).bind(QStringLiteral(":now"), now).bind(QStringLiteral(":rev"), rev + 1).exec();
    }
    ProjectStats::recompute(m_database, db, projectId);
    tx.commit();
    return projectId;
}

bool ProjectRepository::update(const QString &projectId, const Changes &changes)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    SqlQuery current(db, QStringLiteral("SELECT is_shared, name, description FROM projects WHERE id = :p"));
    current.bind(QStringLiteral(":p"), projectId).exec();
    if (!current.next())
        return false;
    const bool wasShared = current.boolean(0);
    const bool renames = changes.name && *changes.name != current.text(1);
    const bool describes = changes.description && *changes.description != current.text(2);
    const bool isShared = changes.isShared.value_or(wasShared);
    if (!renames && !describes && isShared == wasShared)
        return false; // a patch that changes nothing changes no revision
    SqlQuery q(db, QStringLiteral("UPDATE projects SET name = COALESCE(:name, name), description = COALESCE(:description, description), "
                                  "is_shared = :shared, updated_at = %1 WHERE id = :p")
                       .arg(d.timeParam(QStringLiteral(":now"))));
    const QVariant nullText(QMetaType(QMetaType::QString));
    q.bind(QStringLiteral(":name"), renames ? QVariant(*changes.name) : nullText)
        .bind(QStringLiteral(":description"), describes ? QVariant(*changes.description) : nullText)
        .bind(QStringLiteral(":shared"), isShared).bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":p"), projectId).exec();
    if (wasShared && !isShared)
        log.tombstone(QStringLiteral("project"), projectId, projectId, log.memberIds(projectId));
    if (!wasShared && isShared)
        log.regrantProject(projectId);
    else
        log.touch(QStringLiteral("projects"), projectId);
    ProjectStats::recompute(m_database, db, projectId);
    tx.commit();
    return true;
}

QList<GenerationFolder> ProjectRepository::remove(const QString &projectId)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    QString ownerId;
    bool shared = false;
    {
        SqlQuery current(db, QStringLiteral("SELECT owner_id, is_shared FROM projects WHERE id = :p"));
        current.bind(QStringLiteral(":p"), projectId).exec();
        if (!current.next())
            return {};
        ownerId = current.text(0);
        shared = current.boolean(1);
    }
    log.tombstone(QStringLiteral("project"), projectId, projectId, log.projectAudience(projectId, ownerId, shared));
    const QList<GenerationFolder> folders = GenerationSettlement::settleForDelete(m_database, db, QStringLiteral("project_id"), projectId);
    SqlQuery remove(db, QStringLiteral("DELETE FROM projects WHERE id = :p"));
    remove.bind(QStringLiteral(":p"), projectId).exec();
    tx.commit();
    return folders;
}

} // namespace vesper::backend
