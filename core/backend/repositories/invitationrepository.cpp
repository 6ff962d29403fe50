#include "backend/repositories/invitationrepository.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/memberrepository.h"
#include "common/clock.h"
#include "common/uuid.h"

namespace vesper::backend {

InvitationRepository::InvitationRepository(Database &database)
    : m_database(database)
{
}

QString InvitationRepository::emailTarget(const QString &normalizedEmail)
{
    return QStringLiteral("email:") + normalizedEmail;
}

QString InvitationRepository::userTarget(const QString &userId)
{
    return QStringLiteral("user:") + userId.toLower();
}

QStringList InvitationRepository::targetsOf(const QSqlDatabase &db, const QString &userId)
{
    QStringList targets{userTarget(userId)};
    SqlQuery q(db, QStringLiteral("SELECT email FROM profiles WHERE id = :u"));
    q.bind(QStringLiteral(":u"), userId).exec();
    if (q.next() && !q.text(0).isEmpty())
        targets << emailTarget(q.text(0));
    return targets;
}

QString InvitationRepository::userOfTarget(const QSqlDatabase &db, const QString &target)
{
    const bool byEmail = target.startsWith(QLatin1String("email:"));
    SqlQuery q(db, byEmail ? QStringLiteral("SELECT id FROM profiles WHERE email = :v") : QStringLiteral("SELECT id FROM profiles WHERE id = :v"));
    q.bind(QStringLiteral(":v"), target.mid(target.indexOf(QLatin1Char(':')) + 1)).exec();
    return q.next() ? q.text(0) : QString();
}

QJsonObject InvitationRepository::invite(const QString &projectId, const QString &inviterId, const QString &target, const QString &role)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    const qint64 now = nowMicros();
    const qint64 rev = tx.allocateRevs(1);
    SqlQuery existing(db, QStringLiteral("SELECT id, %1 FROM invitations WHERE project_id = :p AND target = :t")
                              .arg(m_database.timeColumn(QStringLiteral("created_at"))));
    existing.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":t"), target).exec();
    QString id;
    qint64 createdAt = now;
    if (existing.next()) {
        id = existing.text(0);
        createdAt = existing.int64(1);
        SqlQuery update(db, QStringLiteral("UPDATE invitations SET role = :r, inviter_id = :i, rev = :rev WHERE id = :id"));
        update.bind(QStringLiteral(":r"), role).bind(QStringLiteral(":i"), inviterId).bind(QStringLiteral(":rev"), rev)
            .bind(QStringLiteral(":id"), id).exec();
    } else {
        id = newUuidV7();
        SqlQuery insert(db, QStringLiteral("INSERT INTO invitations (id, project_id, inviter_id, target, role, created_at, rev) "
                                           "VALUES (:id, :p, :i, :t, :r, %1, :rev)").arg(m_database.timeParam(QStringLiteral(":now"))));
        insert.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":i"), inviterId)
            .bind(QStringLiteral(":t"), target).bind(QStringLiteral(":r"), role).bind(QStringLiteral(":now"), now)
            .bind(QStringLiteral(":rev"), rev).exec();
    }
    tx.commit();
    // The same shape whoever the target is: nothing says whether an account answers to it.
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("projectId"), projectId},
                       {QStringLiteral("role"), role},
                       {QStringLiteral("status"), QStringLiteral("pending")},
                       {QStringLiteral("createdAt"), formatTime(createdAt)}};
}

QJsonArray InvitationRepository::listFor(const QString &userId)
{
    QSqlDatabase db = m_database.connection();
    const QStringList targets = targetsOf(db, userId);
    SqlQuery q(db, QStringLiteral("SELECT i.id, i.project_id, p.name, i.role, ip.display_name, %1 FROM invitations i "
                                  "JOIN projects p ON p.id = i.project_id JOIN profiles ip ON ip.id = i.inviter_id "
                                  "WHERE i.target IN (:t1, :t2) ORDER BY i.created_at, i.id")
                      .arg(m_database.timeColumn(QStringLiteral("i.created_at"))));
    q.bind(QStringLiteral(":t1"), targets.value(0)).bind(QStringLiteral(":t2"), targets.value(targets.size() - 1)).exec();
    QJsonArray list;
    while (q.next()) {
        list.append(QJsonObject{{QStringLiteral("id"), q.text(0)},
                                {QStringLiteral("projectId"), q.text(1)},
                                {QStringLiteral("projectName"), q.text(2)},
                                {QStringLiteral("role"), q.text(3)},
                                {QStringLiteral("invitedBy"), QJsonObject{{QStringLiteral("displayName"), q.text(4)}}},
                                {QStringLiteral("createdAt"), formatTime(q.int64(5))}});
    }
    return list;
}

QJsonArray InvitationRepository::listForProject(const QString &projectId)
{
    QSqlDatabase db = m_database.connection();
    SqlQuery q(db, QStringLiteral("SELECT id, target, role, %1 FROM invitations WHERE project_id = :p ORDER BY created_at, id")
                      .arg(m_database.timeColumn(QStringLiteral("created_at"))));
    q.bind(QStringLiteral(":p"), projectId).exec();
    QJsonArray list;
    const QString email = emailTarget(QString());
    const QString user = userTarget(QString());
    while (q.next()) {
        QJsonObject row{{QStringLiteral("id"), q.text(0)},
                        {QStringLiteral("projectId"), projectId},
                        {QStringLiteral("role"), q.text(2)},
                        {QStringLiteral("status"), QStringLiteral("pending")},
                        {QStringLiteral("createdAt"), formatTime(q.int64(3))}};
        const QString target = q.text(1);
        if (target.startsWith(email))
            row.insert(QStringLiteral("email"), target.mid(email.size()));
        else if (target.startsWith(user))
            row.insert(QStringLiteral("userId"), target.mid(user.size()));
        list.append(row);
    }
    return list;
}

bool InvitationRepository::removeForInvitee(const QString &userId, const QString &invitationId, AcceptedInvitation *found, bool join)
{
    if (!isUuid(invitationId))
        return false;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    const QStringList targets = targetsOf(db, userId);
    SqlQuery q(db, QStringLiteral("SELECT i.project_id, i.role, p.owner_id, p.is_shared FROM invitations i JOIN projects p ON p.id = i.project_id "
                                  "WHERE i.id = :id AND i.target IN (:t1, :t2)"));
    q.bind(QStringLiteral(":id"), invitationId.toLower()).bind(QStringLiteral(":t1"), targets.value(0))
        .bind(QStringLiteral(":t2"), targets.value(targets.size() - 1)).exec();
    if (!q.next())
        return false;
    *found = {q.text(0), q.text(1)};
    const QString ownerId = q.text(2);
    const bool shared = q.boolean(3);
    // Every invitation of this project that reaches the user goes (by email and by id alike).
    SqlQuery ids(db, QStringLiteral("SELECT id FROM invitations WHERE project_id = :p AND target IN (:t1, :t2)"));
    ids.bind(QStringLiteral(":p"), found->projectId).bind(QStringLiteral(":t1"), targets.value(0))
        .bind(QStringLiteral(":t2"), targets.value(targets.size() - 1)).exec();
    QStringList gone;
    while (ids.next())
        gone << ids.text(0);
    SqlQuery remove(db, QStringLiteral("DELETE FROM invitations WHERE id = :id"));
    ChangeLog log(m_database, db, tx);
    for (const QString &id : gone) {
        remove.bind(QStringLiteral(":id"), id).exec();
        log.tombstone(QStringLiteral("invitation"), id, found->projectId, {userId});
    }
    if (join && ownerId != userId)
        MemberRepository(m_database).upsert(found->projectId, shared, userId, found->role); // nested: one commit
    tx.commit();
    return true;
}

std::optional<AcceptedInvitation> InvitationRepository::accept(const QString &userId, const QString &invitationId)
{
    AcceptedInvitation found;
    if (!removeForInvitee(userId, invitationId, &found, true))
        return std::nullopt;
    return found;
}

bool InvitationRepository::decline(const QString &userId, const QString &invitationId)
{
    AcceptedInvitation found;
    return removeForInvitee(userId, invitationId, &found, false);
}

bool InvitationRepository::withdraw(const QString &projectId, const QString &invitationId)
{
    if (!isUuid(invitationId))
        return false;
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    SqlQuery q(db, QStringLiteral("SELECT target FROM invitations WHERE id = :id AND project_id = :p"));
    q.bind(QStringLiteral(":id"), invitationId.toLower()).bind(QStringLiteral(":p"), projectId).exec();
    if (!q.next())
        return false;
    const QString invitee = userOfTarget(db, q.text(0));
    SqlQuery remove(db, QStringLiteral("DELETE FROM invitations WHERE id = :id"));
    remove.bind(QStringLiteral(":id"), invitationId.toLower()).exec();
    if (!invitee.isEmpty()) {
        ChangeLog log(m_database, db, tx);
        log.tombstone(QStringLiteral("invitation"), invitationId.toLower(), projectId, {invitee});
    }
    tx.commit();
    return true;
}

void InvitationRepository::clearFor(Database &database, const QSqlDatabase &db, const QString &projectId, const QString &userId)
{
    const QStringList targets = targetsOf(db, userId);
    SqlQuery ids(db, QStringLiteral("SELECT id FROM invitations WHERE project_id = :p AND target IN (:t1, :t2)"));
    ids.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":t1"), targets.value(0))
        .bind(QStringLiteral(":t2"), targets.value(targets.size() - 1)).exec();
    QStringList gone;
    while (ids.next())
        gone << ids.text(0);
    if (gone.isEmpty())
        return;
    Transaction tx(database, db); // nested in the caller's
    ChangeLog log(database, db, tx);
    SqlQuery remove(db, QStringLiteral("DELETE FROM invitations WHERE id = :id"));
    for (const QString &id : gone) {
        remove.bind(QStringLiteral(":id"), id).exec();
        log.tombstone(QStringLiteral("invitation"), id, projectId, {userId});
    }
    tx.commit();
}

} // namespace vesper::backend
