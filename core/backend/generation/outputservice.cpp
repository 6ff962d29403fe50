#include "backend/generation/outputservice.h"
#include "backend/db/database.h"
#include "backend/db/transaction.h"
#include "domain/domainerror.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/outputrepository.h"
#include "backend/repositories/projectstats.h"
#include "backend/storage/objectstore.h"
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
    const std::optional<OutputRow> row = OutputRepository(m_database).find(outputId.toLower());
    if (!row)
        throw DomainError::notFound(QStringLiteral("output"));
    OutputRef ref{*row, {}};
    try {
        ref.access = AccessControl(m_database).session(m_database.connection(), userId, row->sessionId);
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
        const std::optional<bool> current = OutputRepository::isStarred(db, output.id);
        if (current && *current != starred) {
            OutputRepository::setStarred(db, output.id, starred, tx.allocateRevs(1));
            tx.commit();
        }
    }
    return json(output.id);
}

QByteArray OutputService::json(const QString &outputId)
{
    std::optional<QByteArray> json = OutputRepository(m_database).json(outputId);
    if (!json)
        throw DomainError::notFound(QStringLiteral("output"));
    return *json;
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
        if (OutputRepository::remove(db, output.id)) {
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
