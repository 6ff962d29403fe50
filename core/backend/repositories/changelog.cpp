#include "backend/repositories/changelog.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"

namespace vesper::backend {

ChangeLog::ChangeLog(Database &database, const QSqlDatabase &db, Transaction &tx)
    : m_database(database)
    , m_db(db)
    , m_tx(tx)
{
}

void ChangeLog::tombstone(const QString &kind, const QString &id, const QString &projectId, const QStringList &userIds)
{
    if (userIds.isEmpty())
        return;
    qint64 rev = m_tx.allocateRevs(userIds.size());
    SqlQuery insert(m_db, QStringLiteral("INSERT INTO tombstones (rev, user_id, kind, id, project_id, created_at) "
                                         "VALUES (:rev, :u, :k, :id, :p, %1)").arg(m_database.timeParam(QStringLiteral(":t"))));
    const qint64 now = nowMicros();
    for (const QString &user : userIds) {
        insert.bind(QStringLiteral(":rev"), rev++).bind(QStringLiteral(":u"), user).bind(QStringLiteral(":k"), kind)
            .bind(QStringLiteral(":id"), id).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":t"), now).exec();
    }
}

QStringList ChangeLog::memberIds(const QString &projectId)
{
    SqlQuery q(m_db, QStringLiteral("SELECT user_id FROM project_members WHERE project_id = :p"));
    q.bind(QStringLiteral(":p"), projectId).exec();
    QStringList ids;
    while (q.next())
        ids << q.text(0);
    return ids;
}

QStringList ChangeLog::projectAudience(const QString &projectId, const QString &ownerId, bool isShared)
{
    QStringList audience{ownerId};
    if (isShared)
        audience << memberIds(projectId);
    return audience;
}

void ChangeLog::touch(const QString &table, const QString &id)
{
    // Every project change made here (name, description, sharing, a member's role) is one members
    // see, so their rev moves too (projects.shared_rev; only ProjectStats moves rev alone).
    const bool project = table == QLatin1String("projects");
    SqlQuery q(m_db, QStringLiteral("UPDATE %1 SET rev = :rev%2 WHERE id = :id").arg(table, project ? QStringLiteral(", shared_rev = :rev") : QString()));
    q.bind(QStringLiteral(":rev"), m_tx.allocateRevs(1)).bind(QStringLiteral(":id"), id).exec();
}

void ChangeLog::rerev(const QString &table, const QString &condition, const QString &value)
{
    SqlQuery count(m_db, QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(table, condition));
    count.bind(QStringLiteral(":v"), value).exec();
    const qint64 rows = count.next() ? count.int64(0) : 0;
    if (rows == 0)
        return;
    const qint64 base = m_tx.allocateRevs(rows);
    // Every row needs its own rev so the feed can page through them without skipping any.
    SqlQuery update(m_db, QStringLiteral("UPDATE %1 SET rev = :base + r.rn - 1 FROM "
                                         "(SELECT id, row_number() OVER (ORDER BY id) AS rn FROM %1 WHERE %2) AS r "
                                         "WHERE %1.id = r.id").arg(table, condition));
    update.bind(QStringLiteral(":base"), base).bind(QStringLiteral(":v"), value).exec();
}

void ChangeLog::touchMember(const QString &projectId, const QString &userId)
{
    SqlQuery q(m_db, QStringLiteral("UPDATE project_members SET rev = :rev WHERE project_id = :p AND user_id = :u"));
    q.bind(QStringLiteral(":rev"), m_tx.allocateRevs(1)).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
}

QString ChangeLog::memberChangeId(const QString &projectId, const QString &userId)
{
    return projectId + QLatin1Char(':') + userId;
}

void ChangeLog::rerevMembers(const QString &projectId)
{
    SqlQuery count(m_db, QStringLiteral("SELECT COUNT(*) FROM project_members WHERE project_id = :p"));
    count.bind(QStringLiteral(":p"), projectId).exec();
    const qint64 rows = count.next() ? count.int64(0) : 0;
    if (rows == 0)
        return;
    const qint64 base = m_tx.allocateRevs(rows);
    SqlQuery update(m_db, QStringLiteral("UPDATE project_members SET rev = :base + r.rn - 1 FROM "
                                         "(SELECT user_id AS uid, row_number() OVER (ORDER BY user_id) AS rn "
                                         "FROM project_members WHERE project_id = :p) AS r "
                                         "WHERE project_members.project_id = :p AND project_members.user_id = r.uid"));
    update.bind(QStringLiteral(":base"), base).bind(QStringLiteral(":p"), projectId).exec();
}

void ChangeLog::regrantProject(const QString &projectId)
{
    touch(QStringLiteral("projects"), projectId);
    rerevMembers(projectId);
    rerev(QStringLiteral("sessions"), QStringLiteral("project_id = :v"), projectId);
    rerev(QStringLiteral("generations"), QStringLiteral("project_id = :v"), projectId);
    rerev(QStringLiteral("outputs"), QStringLiteral("project_id = :v"), projectId);
}

void ChangeLog::regrantSession(const QString &sessionId)
{
    touch(QStringLiteral("sessions"), sessionId);
    rerev(QStringLiteral("generations"), QStringLiteral("session_id = :v"), sessionId);
    // outputs has no session index: reach them through their generations' index instead.
    rerev(QStringLiteral("outputs"), QStringLiteral("generation_id IN (SELECT id FROM generations WHERE session_id = :v)"), sessionId);
}

} // namespace vesper::backend
