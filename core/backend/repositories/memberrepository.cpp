#include "backend/repositories/memberrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/invitationrepository.h"
#include "common/clock.h"

namespace vesper::backend {
namespace {
QString memberSelect(const Database &d)
{
    return QStringLiteral("SELECT m.user_id, pr.email, pr.display_name, m.role, %1 FROM project_members m "
                          "JOIN profiles pr ON pr.id = m.user_id WHERE m.project_id = :p")
        .arg(d.timeColumn(QStringLiteral("m.joined_at")));
}

QJsonObject memberJson(const SqlQuery &q)
{
    return QJsonObject{{QStringLiteral("userId"), q.text(0)},
                       {QStringLiteral("email"), q.text(1)},
                       {QStringLiteral("displayName"), q.text(2)},
                       {QStringLiteral("role"), q.text(3)},
                       {QStringLiteral("joinedAt"), formatTime(q.int64(4))}};
}
} // namespace

MemberRepository::MemberRepository(Database &database)
    : m_database(database)
{
}

QJsonArray MemberRepository::list(const QString &projectId)
{
    SqlQuery q(m_database.connection(), memberSelect(m_database) + QStringLiteral(" ORDER BY m.joined_at, m.user_id"));
    q.bind(QStringLiteral(":p"), projectId).exec();
    QJsonArray members;
    while (q.next())
        members.append(memberJson(q));
    return members;
}

std::optional<QJsonObject> MemberRepository::fetch(const QString &projectId, const QString &userId)
{
    SqlQuery q(m_database.connection(), memberSelect(m_database) + QStringLiteral(" AND m.user_id = :u"));
    q.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
    if (!q.next())
        return std::nullopt;
    return memberJson(q);
}

std::optional<qint64> MemberRepository::rev(const QString &projectId, const QString &userId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT rev FROM project_members WHERE project_id = :p AND user_id = :u"));
    q.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
    if (!q.next())
        return std::nullopt;
    return q.int64(0);
}

bool MemberRepository::upsert(const QString &projectId, bool projectShared, const QString &userId, const QString &role)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    SqlQuery existing(db, QStringLiteral("SELECT role FROM project_members WHERE project_id = :p AND user_id = :u"));
    existing.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
    const bool isNew = !existing.next();
    if (isNew) {
        SqlQuery insert(db, QStringLiteral("INSERT INTO project_members (project_id, user_id, role, joined_at, rev) VALUES (:p, :u, :r, %1, :rev)")
                                .arg(m_database.timeParam(QStringLiteral(":t"))));
        insert.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":r"), role)
            .bind(QStringLiteral(":t"), nowMicros()).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).exec();
        // The new member sees rows older than their feed position: hand them out again.
        if (projectShared)
            log.regrantProject(projectId);
    } else {
        SqlQuery update(db, QStringLiteral("UPDATE project_members SET role = :r WHERE project_id = :p AND user_id = :u"));
        update.bind(QStringLiteral(":r"), role).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
        log.touchMember(projectId, userId);
        log.touch(QStringLiteral("projects"), projectId); // the role is part of the project as the member sees it
    }
    tx.commit();
    return isNew;
}

bool MemberRepository::remove(const QString &projectId, bool projectShared, const QString &userId)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    // Everyone who saw the membership (the removed member included) before it goes.
    SqlQuery owner(db, QStringLiteral("SELECT owner_id FROM projects WHERE id = :p"));
    owner.bind(QStringLiteral(":p"), projectId).exec();
    QStringList audience;
    if (owner.next())
        audience = log.projectAudience(projectId, owner.text(0), projectShared);
    SqlQuery remove(db, QStringLiteral("DELETE FROM project_members WHERE project_id = :p AND user_id = :u"));
    remove.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId).exec();
    if (remove.numRowsAffected() <= 0)
        return false;
    InvitationRepository::clearFor(m_database, db, projectId, userId);
    log.tombstone(QStringLiteral("member"), ChangeLog::memberChangeId(projectId, userId), projectId, audience);
    // The removed member no longer sees the project: its delete takes everything in it (sessions,
    // generations, outputs, memberships) out of their copy.
    if (projectShared)
        log.tombstone(QStringLiteral("project"), projectId, projectId, {userId});
    tx.commit();
    return true;
}

} // namespace vesper::backend
