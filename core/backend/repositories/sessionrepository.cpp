#include "backend/repositories/sessionrepository.h"
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
#include "domain/domainerror.h"

namespace vesper::backend {

SessionRepository::SessionRepository(Database &database)
    : m_database(database)
{
}

QByteArray SessionRepository::list(const QString &projectId, bool callerIsOwner)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT %1 FROM sessions s WHERE s.project_id = :p%2 ORDER BY s.created_at, s.id")
                                            .arg(rowcodec::sessionColumns(m_database),
                                                 callerIsOwner ? QString() : QStringLiteral(" AND NOT s.is_private")));
    q.bind(QStringLiteral(":p"), projectId).exec();
    JsonWriter w;
    w.beginArray();
    while (q.next()) {
        w.beginObject();
        rowcodec::sessionFields(w, q);
        w.endObject();
    }
    w.endArray();
    return w.take();
}

std::optional<QByteArray> SessionRepository::fetch(const QString &sessionId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT %1 FROM sessions s WHERE s.id = :s").arg(rowcodec::sessionColumns(m_database)));
    q.bind(QStringLiteral(":s"), sessionId).exec();
    if (!q.next())
        return std::nullopt;
    JsonWriter w(512);
    w.beginObject();
    rowcodec::sessionFields(w, q);
    w.endObject();
    return w.take();
}

QString SessionRepository::create(const QString &projectId, const QString &creatorId, const QString &name, const QString &type,
                                  bool isPrivate)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    const QString id = newUuidV7();
    SqlQuery insert(db, QStringLiteral("INSERT INTO sessions (id, project_id, creator_id, name, type, is_private, created_at, updated_at, rev) "
                                       "VALUES (:id, :p, :c, :name, :type, :private, %1, %1, :rev)")
                            .arg(m_database.timeParam(QStringLiteral(":now"))));
    insert.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":c"), creatorId)
        .bind(QStringLiteral(":name"), name).bind(QStringLiteral(":type"), type).bind(QStringLiteral(":private"), isPrivate)
        .bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).exec();
    ProjectStats::recompute(m_database, db, projectId);
    tx.commit();
    return id;
}

bool SessionRepository::update(const QString &sessionId, const QString &projectId, bool projectShared,
                               const std::optional<QString> &name, const std::optional<bool> &isPrivate)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    SqlQuery current(db, QStringLiteral("SELECT is_private, name FROM sessions WHERE id = :s"));
    current.bind(QStringLiteral(":s"), sessionId).exec();
    if (!current.next())
        return false;
    const bool wasPrivate = current.boolean(0);
    const bool renames = name && *name != current.text(1);
    const bool nowPrivate = isPrivate.value_or(wasPrivate);
    if (!renames && nowPrivate == wasPrivate)
        return false; // a patch that changes nothing changes no revision
    SqlQuery q(db, QStringLiteral("UPDATE sessions SET name = COALESCE(:name, name), is_private = :private, "
                                  "updated_at = %1 WHERE id = :s").arg(m_database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":name"), renames ? QVariant(*name) : QVariant(QMetaType(QMetaType::QString)))
        .bind(QStringLiteral(":private"), nowPrivate).bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":s"), sessionId).exec();
    if (!wasPrivate && nowPrivate && projectShared)
        log.tombstone(QStringLiteral("session"), sessionId, projectId, log.memberIds(projectId));
    if (wasPrivate && !nowPrivate)
        log.regrantSession(sessionId);
    else
        log.touch(QStringLiteral("sessions"), sessionId);
    ProjectStats::recompute(m_database, db, projectId);
    tx.commit();
    return true;
}

QList<GenerationFolder> SessionRepository::remove(const QString &sessionId, const QString &projectId, const QString &ownerId,
                                                 bool projectShared, bool wasPrivate, const QString &onlyGenerationsOf)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    ChangeLog log(m_database, db, tx);
    if (!onlyGenerationsOf.isEmpty()) {
        // The row lock holds off a generation being added to the session meanwhile (its insert
        // takes a key-share lock on this row); SQLite has one writer anyway.
        SqlQuery lock(db, QStringLiteral("SELECT id FROM sessions WHERE id = :s%1").arg(m_database.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE")));
        lock.bind(QStringLiteral(":s"), sessionId).exec();
        SqlQuery others(db, QStringLiteral("SELECT 1 FROM generations WHERE session_id = :s AND user_id <> :u LIMIT 1"));
        others.bind(QStringLiteral(":s"), sessionId).bind(QStringLiteral(":u"), onlyGenerationsOf).exec();
        if (others.next())
            throw DomainError::forbidden(QStringLiteral("this session holds other people's generations; only the project owner may delete it"));
    }
    const QList<GenerationFolder> folders = GenerationSettlement::settleForDelete(m_database, db, QStringLiteral("session_id"), sessionId);
    log.tombstone(QStringLiteral("session"), sessionId, projectId, log.projectAudience(projectId, ownerId, projectShared && !wasPrivate));
    SqlQuery remove(db, QStringLiteral("DELETE FROM sessions WHERE id = :s"));
    remove.bind(QStringLiteral(":s"), sessionId).exec();
    ProjectStats::recompute(m_database, db, projectId);
    tx.commit();
    return folders;
}

} // namespace vesper::backend
