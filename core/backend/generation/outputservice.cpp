#include "backend/generation/outputservice.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "domain/domainerror.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/projectstats.h"
#include "backend/repositories/rowcodec.h"
#include "backend/storage/objectstore.h"
#include "common/jsonwriter.h"
#include "common/uuid.h"

namespace vesper::backend {

OutputService::OutputService(Database &database)
    : m_database(database)
{
}

OutputRef OutputService::find(const QString &userId, const QString &outputId)
{
    if (!isUuid(outputId))
        throw DomainError::notFound(QStringLiteral("output"));
    QSqlDatabase db = m_database.connection();
    SqlQuery q(db, QStringLiteral("SELECT o.id, o.generation_id, g.user_id, o.storage_key, o.thumb_key, o.sha256, o.session_id "
                                  "FROM outputs o JOIN generations g ON g.id = o.generation_id WHERE o.id = :o"));
    q.bind(QStringLiteral(":o"), outputId.toLower()).exec();
    if (!q.next())
        throw DomainError::notFound(QStringLiteral("output"));
    OutputRef ref{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), {}};
    const QString sessionId = q.text(6);
    try {
        ref.access = AccessControl(m_database).session(db, userId, sessionId);
    } catch (const DomainError &) {
        throw DomainError::notFound(QStringLiteral("output"));
    }
    return ref;
}

void OutputService::requireOwnerOrCreator(const SessionAccess &access, const QString &creatorId, const QString &userId)
{
    AccessControl::requireContributor(access.project);
    if (!access.project.isOwner() && creatorId != userId)
        throw DomainError::forbidden(QStringLiteral("only the project owner or the generation's creator may do this"));
}

QByteArray OutputService::setStarred(const OutputRef &output, bool starred)
{
    QSqlDatabase db = m_database.connection();
    {
        Transaction tx(m_database, db);
        // Starring what is already starred changes nothing, so it takes no new rev (nothing to sync).
        SqlQuery current(db, QStringLiteral("SELECT is_starred FROM outputs WHERE id = :o"));
        current.bind(QStringLiteral(":o"), output.id).exec();
        if (current.next() && current.boolean(0) != starred) {
            SqlQuery q(db, QStringLiteral("UPDATE outputs SET is_starred = :s, rev = :rev WHERE id = :o"));
            q.bind(QStringLiteral(":s"), starred).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).bind(QStringLiteral(":o"), output.id).exec();
            tx.commit();
        }
    }
    return json(output.id);
}

QByteArray OutputService::json(const QString &outputId)
{
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT %1 FROM outputs o2 WHERE o2.id = :o").arg(rowcodec::outputColumns(m_database)));
    q.bind(QStringLiteral(":o"), outputId).exec();
    if (!q.next())
        throw DomainError::notFound(QStringLiteral("output"));
    JsonWriter w(512);
    w.beginObject();
    rowcodec::outputFields(w, q);
    return w.endObject().take();
}

void OutputService::remove(const OutputRef &output, ObjectStore &store, const std::function<void()> &precondition)
{
    QSqlDatabase db = m_database.connection();
    {
        Transaction tx(m_database, db);
        if (precondition)
            precondition();
        const ProjectAccess &project = output.access.project;
        ChangeLog log(m_database, db, tx);
        SqlQuery del(db, QStringLiteral("DELETE FROM outputs WHERE id = :o"));
        del.bind(QStringLiteral(":o"), output.id).exec();
        if (del.numRowsAffected() > 0) {
            log.tombstone(QStringLiteral("output"), output.id, project.projectId,
                          log.projectAudience(project.projectId, project.ownerId, project.isShared && !output.access.isPrivate));
            ProjectStats::recompute(m_database, db, project.projectId);
        }
        tx.commit();
    }
    store.remove(output.storageKey);
    if (!output.thumbKey.isEmpty())
        store.remove(output.thumbKey);
}

} // namespace vesper::backend
