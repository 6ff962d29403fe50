#include "backend/repositories/accountrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/memberrepository.h"
#include "backend/repositories/projectrepository.h"
#include "backend/repositories/projectstats.h"

#include <QSet>

namespace vesper::backend {
namespace {
QStringList column(const QSqlDatabase &db, const QString &sql, const QString &userId)
{
    SqlQuery q(db, sql);
    q.bind(QStringLiteral(":u"), userId).exec();
    QStringList values;
    while (q.next())
        values << q.text(0);
    return values;
}

/// The user's generations in projects they do not own: tombstoned for everyone who saw them.
QList<GenerationFolder> removeForeignGenerations(const QSqlDatabase &db, ChangeLog &log, const QString &userId,
                                                 QSet<QString> *touchedProjects)
{
    struct Row {
        QString generationId, projectId, ownerId;
        bool visibleToMembers = false;
    };
    QList<Row> rows;
    {
        SqlQuery q(db, QStringLiteral("SELECT g.id, p.id, p.owner_id, p.is_shared, s.is_private FROM generations g "
                                      "JOIN sessions s ON s.id = g.session_id JOIN projects p ON p.id = s.project_id "
                                      "WHERE g.user_id = :u AND p.owner_id <> :u"));
        q.bind(QStringLiteral(":u"), userId).exec();
        while (q.next())
            rows.append(Row{q.text(0), q.text(1), q.text(2), q.boolean(3) && !q.boolean(4)});
    }
    QList<GenerationFolder> folders;
    for (const Row &row : std::as_const(rows)) {
        const QStringList audience = log.projectAudience(row.projectId, row.ownerId, row.visibleToMembers);
        SqlQuery outputs(db, QStringLiteral("SELECT id FROM outputs WHERE generation_id = :g"));
        outputs.bind(QStringLiteral(":g"), row.generationId).exec();
        QStringList outputIds;
        while (outputs.next())
            outputIds << outputs.text(0);
        for (const QString &outputId : std::as_const(outputIds))
            log.tombstone(QStringLiteral("output"), outputId, row.projectId, audience);
        log.tombstone(QStringLiteral("generation"), row.generationId, row.projectId, audience);
        SqlQuery del(db, QStringLiteral("DELETE FROM generations WHERE id = :g"));
        del.bind(QStringLiteral(":g"), row.generationId).exec();
        folders.append(GenerationFolder{userId, row.generationId});
        touchedProjects->insert(row.projectId);
    }
    return folders;
}
} // namespace

AccountRepository::AccountRepository(Database &database)
    : m_database(database)
{
}

AccountFiles AccountRepository::remove(const QString &userId, bool *found)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    // Locked on PostgreSQL: an upload inserted meanwhile waits on the profile row and then fails, so
    // the uploads read below are all that the cascade removes (SQLite has one writer anyway).
    *found = !column(db, QStringLiteral("SELECT id FROM profiles WHERE id = :u%1").arg(m_database.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE")),
                     userId)
                  .isEmpty();
    if (!*found)
        return {};
    QList<GenerationFolder> folders;
    // Each step below is a savepoint inside this transaction: all of it commits, or none.
    ProjectRepository projects(m_database);
    for (const QString &projectId : column(db, QStringLiteral("SELECT id FROM projects WHERE owner_id = :u"), userId))
        folders += projects.remove(projectId);
    MemberRepository members(m_database);
    SqlQuery memberships(db, QStringLiteral("SELECT m.project_id, p.is_shared FROM project_members m JOIN projects p ON p.id = m.project_id "
                                            "WHERE m.user_id = :u"));
    memberships.bind(QStringLiteral(":u"), userId).exec();
    QList<QPair<QString, bool>> joined;
    while (memberships.next())
        joined.append({memberships.text(0), memberships.boolean(1)});
    for (const auto &[projectId, shared] : std::as_const(joined))
        members.remove(projectId, shared, userId);

    ChangeLog log(m_database, db, tx);
    QSet<QString> touched;
    folders += removeForeignGenerations(db, log, userId, &touched);
    // Sessions the user opened in other people's projects stay with the project, now its owner's.
    SqlQuery handOver(db, QStringLiteral("UPDATE sessions SET creator_id = (SELECT owner_id FROM projects WHERE projects.id = sessions.project_id) "
                                         "WHERE creator_id = :u"));
    handOver.bind(QStringLiteral(":u"), userId).exec();
    for (const QString &projectId : std::as_const(touched))
        ProjectStats::recompute(m_database, db, projectId);
    // The profile's own rows (refresh tokens, ledger, uploads, idempotency keys) go with it; the
    // uploads' files are read here, in the same transaction, so none added meanwhile is missed.
    QList<UploadRef> uploads;
    {
        SqlQuery q(db, QStringLiteral("SELECT id, user_id, storage_key, sha256 FROM uploads WHERE user_id = :u"));
        q.bind(QStringLiteral(":u"), userId).exec();
        while (q.next())
            uploads.append(UploadRef{q.text(0), q.text(1), q.text(2), q.text(3)});
    }
    SqlQuery profile(db, QStringLiteral("DELETE FROM profiles WHERE id = :u"));
    profile.bind(QStringLiteral(":u"), userId).exec();
    tx.commit();
    return AccountFiles{folders, uploads};
}

} // namespace vesper::backend
