#include "backend/generation/generationservice.h"
#include "backend/repositories/generationrepository.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/transaction.h"
#include "backend/repositories/jobqueue.h"
#include "backend/generation/outputwriter.h"
#include "domain/domainerror.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/projectstats.h"
#include "backend/repositories/outputrepository.h"
#include "backend/repositories/uploadrepository.h"
#include "backend/storage/objectstore.h"
#include "common/clock.h"
#include "common/uuid.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

/// Someone else's upload and a missing one get the same answer, so ids cannot be probed.
void GenerationService::requireOwnUploads(const QSqlDatabase &db, const QString &userId, const QStringList &uploadIds)
{
    if (uploadIds.isEmpty())
        return;
    if (UploadRepository::countOwned(db, userId, uploadIds) != uploadIds.size())
        throw DomainError::validation(QStringLiteral("parameters.referenceUploadIds: no such upload"));
}

JobTarget GenerationService::target(const QSqlDatabase &db, const GenerationRef &generation, int *requested)
{
    JobTarget job{generation.id, generation.userId, generation.access.sessionId, generation.access.project.projectId, {}};
    *requested = 1;
    if (const std::optional<GenerationAsk> ask = GenerationRepository::ask(db, generation.id)) {
        job.modelId = ask->modelId;
        *requested = ask->numOutputs;
    }
    return job;
}

GenerationService::GenerationService(Database &database)
    : m_database(database)
{
}

std::optional<SubmitResult> GenerationService::findByClient(const QSqlDatabase &db, const QString &userId, const QString &clientId,
                                                            const QString &sessionId)
{
    const std::optional<ClientGeneration> found = GenerationRepository::findByClient(db, userId, clientId);
    if (!found)
        return std::nullopt;
    // A resend names the session it was sent to, which the caller was just found to see; the first
    // request went to the same one. A clientId used in another session gets one answer, whether the
    // caller still sees that generation or not, and nothing of it (no id, status or cost); and a
    // second generation is never made under one clientId.
    if (found->sessionId != sessionId)
        throw DomainError::conflict(QStringLiteral("this clientId was already used for a generation in another session; send a new clientId"));
    return SubmitResult{found->id, clientId, found->status, false, found->cost, found->credits};
}

SubmitResult GenerationService::submit(const QString &userId, const SessionAccess &access, const GenerateRequest &request,
                                       int maxAttempts, const std::function<void()> &admit)
{
    QSqlDatabase db = m_database.connection();
    // The resend lookup and the rate limit (a round trip to the shared store on PostgreSQL) come
    // before BEGIN, which takes the rev counter's lock every writer queues on: a refused or resent
    // request never holds it. A twin may commit in between, so the lookup is repeated inside.
    if (auto existing = findByClient(db, userId, request.clientId, access.sessionId))
        return *existing;
    if (admit) {
        try {
            admit();
        } catch (const DomainError &) {
            // A twin with this clientId may have been accepted since the lookup: it is answered.
            if (auto existing = findByClient(db, userId, request.clientId, access.sessionId))
                return *existing;
            throw;
        }
    }
    try {
        Transaction tx(m_database, db);
        if (auto existing = findByClient(db, userId, request.clientId, access.sessionId))
            return *existing;
        requireOwnUploads(db, userId, request.referenceUploadIds);
        const QString id = newUuidV7();
        const qint64 now = nowMicros();
        qint64 credits = 0;
        if (request.cost > 0) {
            const std::optional<qint64> left = GenerationSettlement::debit(m_database, db, userId, id, request.cost);
            if (!left)
                throw DomainError(ErrorCode::InsufficientCredits,
                               QStringLiteral("this generation costs %1 credits").arg(request.cost));
            credits = *left;
        }
        QJsonObject parameters{{QStringLiteral("aspectRatio"), request.aspectRatio},
                               {QStringLiteral("resolution"), request.resolution},
                               {QStringLiteral("numOutputs"), request.numOutputs},
                               {QStringLiteral("seed"), request.seed}};
        if (!request.referenceUploadIds.isEmpty())
            parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray::fromStringList(request.referenceUploadIds));
        NewGeneration row{id, access.sessionId, access.project.projectId, userId, request.clientId, request.modelId,
                          request.prompt, request.negativePrompt,
                          QString::fromUtf8(QJsonDocument(parameters).toJson(QJsonDocument::Compact)), request.cost, now, 0};
        row.rev = tx.allocateRevs(1);
        GenerationRepository(m_database).insert(db, row);
        UploadRepository::linkToGeneration(db, id, request.referenceUploadIds);
        if (request.cost <= 0)
            credits = GenerationSettlement::balance(db, userId);
        JobQueue(m_database).enqueue(db, id, 0, maxAttempts);
        tx.commit();
        return SubmitResult{id, request.clientId, generationStatusName(GenerationStatus::Queued), true, request.cost, credits};
    } catch (const DbError &error) {
        // A concurrent request with the same clientId committed first (PostgreSQL): answer with its generation.
        if (!error.isConstraint())
            throw;
        if (auto existing = findByClient(db, userId, request.clientId, access.sessionId))
            return *existing;
        // The session was deleted between the access check and the insert: gone is 404.
        if (!GenerationRepository::sessionExists(db, access.sessionId))
            throw DomainError::notFound(QStringLiteral("session"));
        throw;
    } catch (const DomainError &error) {
        // On PostgreSQL a twin with the same clientId can spend the last credits and commit while
        // this one waits on the profile's row lock: this request is then that generation, not a 402.
        if (error.code() != ErrorCode::InsufficientCredits)
            throw;
        if (auto existing = findByClient(db, userId, request.clientId, access.sessionId))
            return *existing;
        throw;
    }
}

GenerationRef GenerationService::find(const QString &userId, const QString &generationId)
{
    if (!isUuid(generationId))
        throw DomainError::notFound(QStringLiteral("generation"));
    const std::optional<GenerationRow> row = GenerationRepository(m_database).find(generationId.toLower());
    if (!row)
        throw DomainError::notFound(QStringLiteral("generation"));
    GenerationRef ref{row->id, row->userId, row->status, row->cost, {}};
    const QString sessionId = row->sessionId;
    QSqlDatabase db = m_database.connection();
    try {
        ref.access = AccessControl(m_database).session(db, userId, sessionId);
    } catch (const DomainError &) {
        throw DomainError::notFound(QStringLiteral("generation")); // hidden is missing, and says so in the same words
    }
    return ref;
}

QByteArray GenerationService::readJson(const QString &userId, const QStringList &ids)
{
    return GenerationRepository(m_database).readVisible(userId, ids, AccessControl::sessionVisibleToUserSql());
}

void GenerationService::cancel(const GenerationRef &generation, ObjectStore &store)
{
    QSqlDatabase db = m_database.connection();
    {
        Transaction tx(m_database, db);
        const std::optional<LockedGeneration> locked = GenerationSettlement::lock(m_database, db, generation.id);
        if (!locked)
            throw DomainError::notFound(QStringLiteral("generation"));
        const QString &status = locked->status;
        if (GenerationSettlement::isFinished(status))
            throw DomainError::conflict(QStringLiteral("the generation has already finished"));
        if (status == generationStatusName(GenerationStatus::Processing)) {
            // The worker running it sees the request through its progress sink and ends it as cancelled.
            JobQueue::requestCancel(db, generation.id);
            const bool running = JobQueue::isLeased(m_database, db, generation.id);
            tx.commit();
            if (running)
                return;
            // Waiting out a retry (up to a provider's Retry-After) or an open breaker: no worker will
            // look for a while, so it ends now, keeping what earlier attempts made. A worker that
            // claims it meanwhile ends it the same way; whichever commits second changes nothing.
            int requested = 1;
            const JobTarget job = target(db, generation, &requested);
            OutputWriter(m_database, store).finishCancelled(job, requested);
            return;
        }
        tx.commit();
    }
    GenerationSettlement::finishUnsuccessful(m_database, store, generation.id, GenerationStatus::Cancelled, QString(), QString());
}

void GenerationService::remove(const GenerationRef &generation, ObjectStore &store, const std::function<void()> &precondition)
{
    QSqlDatabase db = m_database.connection();
    {
        Transaction tx(m_database, db);
        if (precondition)
            precondition();
        if (const std::optional<LockedGeneration> locked = GenerationSettlement::lock(m_database, db, generation.id)) {
            const QString &status = locked->status;
            const qint64 cost = locked->cost;
            const ProjectAccess &project = generation.access.project;
            ChangeLog log(m_database, db, tx);
            const QStringList audience = log.projectAudience(project.projectId, project.ownerId,
                                                             project.isShared && !generation.access.isPrivate);
            for (const QString &outputId : OutputRepository::idsOf(db, generation.id))
                log.tombstone(QStringLiteral("output"), outputId, project.projectId, audience);
            log.tombstone(QStringLiteral("generation"), generation.id, project.projectId, audience);
            if (!GenerationSettlement::isFinished(status))
                GenerationSettlement::refund(m_database, db, generation.userId, generation.id, cost);
            GenerationRepository::remove(db, generation.id);
            ProjectStats::recompute(m_database, db, project.projectId);
        }
        tx.commit();
    }
    store.removeGeneration(generation.userId, generation.id);
}

} // namespace vesper::backend
