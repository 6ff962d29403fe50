#include "backend/generation/generationservice.h"
#include "backend/repositories/generationrepository.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/repositories/jobqueue.h"
#include "backend/generation/outputwriter.h"
#include "domain/domainerror.h"
#include "backend/repositories/changelog.h"
#include "backend/repositories/projectstats.h"
#include "backend/repositories/rowcodec.h"
#include "backend/repositories/uploadrepository.h"
#include "backend/storage/objectstore.h"
#include "common/clock.h"
#include "common/jsonwriter.h"
#include "common/uuid.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {
namespace {
QString forUpdate(const Database &d)
{
    return d.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE");
}

QStringList placeholders(const QString &prefix, qsizetype count)
{
    QStringList names;
    for (qsizetype i = 0; i < count; ++i)
        names << QStringLiteral(":%1%2").arg(prefix).arg(i);
    return names;
}
} // namespace

/// Someone else's upload and a missing one get the same answer, so ids cannot be probed.
void GenerationService::requireOwnUploads(const QSqlDatabase &db, const QString &userId, const QStringList &uploadIds)
{
    if (uploadIds.isEmpty())
        return;
    const QStringList names = placeholders(QStringLiteral("up"), uploadIds.size());
    SqlQuery q(db, QStringLiteral("SELECT COUNT(*) FROM uploads WHERE user_id = :u AND id IN (%1)").arg(names.join(QLatin1Char(','))));
    q.bind(QStringLiteral(":u"), userId);
    for (qsizetype i = 0; i < uploadIds.size(); ++i)
        q.bind(names.at(i), uploadIds.at(i));
    q.exec();
    if (!q.next() || q.int64(0) != uploadIds.size())
        throw DomainError::validation(QStringLiteral("parameters.referenceUploadIds: no such upload"));
}

JobTarget GenerationService::target(const QSqlDatabase &db, const GenerationRef &generation, int *requested)
{
    JobTarget job{generation.id, generation.userId, generation.access.sessionId, generation.access.project.projectId, {}};
    *requested = 1;
    SqlQuery q(db, QStringLiteral("SELECT model_id, parameters FROM generations WHERE id = :g"));
    q.bind(QStringLiteral(":g"), generation.id).exec();
    if (q.next()) {
        job.modelId = q.text(0);
        *requested = qMax(1, QJsonDocument::fromJson(q.text(1).toUtf8()).object().value(QStringLiteral("numOutputs")).toInt(1));
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
    SqlQuery q(db, QStringLiteral("SELECT g.id, g.status, g.cost, p.credits, g.session_id FROM generations g "
                                  "JOIN profiles p ON p.id = g.user_id WHERE g.user_id = :u AND g.client_id = :c"));
    q.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":c"), clientId).exec();
    if (!q.next())
        return std::nullopt;
    // A resend names the session it was sent to, which the caller was just found to see; the first
    // request went to the same one. A clientId used in another session gets one answer, whether the
    // caller still sees that generation or not, and nothing of it (no id, status or cost); and a
    // second generation is never made under one clientId.
    if (q.text(4) != sessionId)
        throw DomainError::conflict(QStringLiteral("this clientId was already used for a generation in another session; send a new clientId"));
    return SubmitResult{q.text(0), clientId, q.text(1), false, q.int64(2), q.int64(3)};
}

SubmitResult GenerationService::submit(const QString &userId, const SessionAccess &access, const GenerateRequest &request,
                                       int maxAttempts, const std::function<void()> &admit)
{
    const Database &d = m_database;
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
            // The balance check and the debit are one statement, so two requests cannot both spend it.
            // A new rev puts the caller's balance in their changes feed (kind "profile").
            SqlQuery debit(db, QStringLiteral("UPDATE profiles SET credits = credits - :c, rev = :rev WHERE id = :u AND credits >= :c RETURNING credits"));
            debit.bind(QStringLiteral(":c"), request.cost).bind(QStringLiteral(":u"), userId)
                .bind(QStringLiteral(":rev"), tx.allocateRevs(1)).exec();
            if (!debit.next())
                throw DomainError(ErrorCode::InsufficientCredits,
                               QStringLiteral("this generation costs %1 credits").arg(request.cost));
            credits = debit.int64(0);
            SqlQuery ledger(db, QStringLiteral("INSERT INTO credit_ledger (user_id, generation_id, amount, reason, created_at) "
                                               "VALUES (:u, :g, :a, 'generation', %1)").arg(d.timeParam(QStringLiteral(":now"))));
            ledger.bind(QStringLiteral(":u"), userId).bind(QStringLiteral(":g"), id).bind(QStringLiteral(":a"), -request.cost)
                .bind(QStringLiteral(":now"), now).exec();
        }
        QJsonObject parameters{{QStringLiteral("aspectRatio"), request.aspectRatio},
                               {QStringLiteral("resolution"), request.resolution},
                               {QStringLiteral("numOutputs"), request.numOutputs},
                               {QStringLiteral("seed"), request.seed}};
        if (!request.referenceUploadIds.isEmpty())
            parameters.insert(QStringLiteral("referenceUploadIds"), QJsonArray::fromStringList(request.referenceUploadIds));
        SqlQuery insert(db, QStringLiteral("INSERT INTO generations (id, session_id, project_id, user_id, client_id, model_id, prompt, "
                                           "negative_prompt, parameters, status, progress, progress_is_estimate, cost, created_at, rev) "
                                           "VALUES (:id, :s, :p, :u, :c, :m, :prompt, :neg, %1, 'queued', 0, :est, :cost, %2, :rev)")
                                .arg(d.jsonParam(QStringLiteral(":params")), d.timeParam(QStringLiteral(":now"))));
        insert.bind(QStringLiteral(":id"), id).bind(QStringLiteral(":s"), access.sessionId)
            .bind(QStringLiteral(":p"), access.project.projectId).bind(QStringLiteral(":u"), userId)
            .bind(QStringLiteral(":c"), request.clientId).bind(QStringLiteral(":m"), request.modelId)
            .bind(QStringLiteral(":prompt"), request.prompt).bind(QStringLiteral(":neg"), request.negativePrompt)
            .bind(QStringLiteral(":params"), QString::fromUtf8(QJsonDocument(parameters).toJson(QJsonDocument::Compact)))
            .bind(QStringLiteral(":est"), false).bind(QStringLiteral(":cost"), request.cost)
            .bind(QStringLiteral(":now"), now).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).exec();
        UploadRepository::linkToGeneration(db, id, request.referenceUploadIds);
        if (request.cost <= 0) {
            SqlQuery balance(db, QStringLiteral("SELECT credits FROM profiles WHERE id = :u"));
            balance.bind(QStringLiteral(":u"), userId).exec();
            credits = balance.next() ? balance.int64(0) : 0;
        }
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
        SqlQuery session(db, QStringLiteral("SELECT 1 FROM sessions WHERE id = :s"));
        session.bind(QStringLiteral(":s"), access.sessionId).exec();
        if (!session.next())
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
    QSqlDatabase db = m_database.connection();
    SqlQuery q(db, QStringLiteral("SELECT id, session_id, user_id, status, cost FROM generations WHERE id = :g"));
    q.bind(QStringLiteral(":g"), generationId.toLower()).exec();
    if (!q.next())
        throw DomainError::notFound(QStringLiteral("generation"));
    GenerationRef ref{q.text(0), q.text(2), q.text(3), q.int64(4), {}};
    const QString sessionId = q.text(1);
    try {
        ref.access = AccessControl(m_database).session(db, userId, sessionId);
    } catch (const DomainError &) {
        throw DomainError::notFound(QStringLiteral("generation")); // hidden is missing, and says so in the same words
    }
    return ref;
}

QByteArray GenerationService::readJson(const QString &userId, const QStringList &ids)
{
    const Database &d = m_database;
    QSqlDatabase db = m_database.connection();
    if (ids.isEmpty())
        return QByteArrayLiteral("[]");
    const QStringList names = placeholders(QStringLiteral("g"), ids.size());
    SqlQuery q(db, QStringLiteral("SELECT %1 FROM generations g JOIN sessions s ON s.id = g.session_id JOIN projects p ON p.id = g.project_id "
                                  "LEFT JOIN project_members m ON m.project_id = p.id AND m.user_id = :u "
                                  "WHERE g.id IN (%2) AND %3")
                       .arg(rowcodec::generationColumns(d), names.join(QLatin1Char(',')), AccessControl::sessionVisibleToUserSql()));
    q.bind(QStringLiteral(":u"), userId);
    for (qsizetype i = 0; i < ids.size(); ++i)
        q.bind(names.at(i), ids.at(i));
    q.exec();
    QList<QByteArray> generations;
    QStringList found;
    while (q.next()) {
        JsonWriter g(1024);
        rowcodec::generationFields(g, q, userId);
        generations.append(g.take());
        found << q.text(0);
    }
    return GenerationRepository(m_database).withOutputs(generations, found);
}

void GenerationService::cancel(const GenerationRef &generation, ObjectStore &store)
{
    QSqlDatabase db = m_database.connection();
    {
        Transaction tx(m_database, db);
        QString status;
        {
            SqlQuery q(db, QStringLiteral("SELECT status FROM generations WHERE id = :g%1").arg(forUpdate(m_database)));
            q.bind(QStringLiteral(":g"), generation.id).exec();
            if (!q.next())
                throw DomainError::notFound(QStringLiteral("generation"));
            status = q.text(0);
        }
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
        SqlQuery q(db, QStringLiteral("SELECT status, cost FROM generations WHERE id = :g%1").arg(forUpdate(m_database)));
        q.bind(QStringLiteral(":g"), generation.id).exec();
        if (q.next()) {
            const QString status = q.text(0);
            const qint64 cost = q.int64(1);
            const ProjectAccess &project = generation.access.project;
            ChangeLog log(m_database, db, tx);
            const QStringList audience = log.projectAudience(project.projectId, project.ownerId,
                                                             project.isShared && !generation.access.isPrivate);
            SqlQuery outputs(db, QStringLiteral("SELECT id FROM outputs WHERE generation_id = :g"));
            outputs.bind(QStringLiteral(":g"), generation.id).exec();
            QStringList outputIds;
            while (outputs.next())
                outputIds << outputs.text(0);
            for (const QString &outputId : outputIds)
                log.tombstone(QStringLiteral("output"), outputId, project.projectId, audience);
            log.tombstone(QStringLiteral("generation"), generation.id, project.projectId, audience);
            if (!GenerationSettlement::isFinished(status))
                GenerationSettlement::refund(m_database, db, generation.userId, generation.id, cost);
            SqlQuery del(db, QStringLiteral("DELETE FROM generations WHERE id = :g"));
            del.bind(QStringLiteral(":g"), generation.id).exec();
            ProjectStats::recompute(m_database, db, project.projectId);
        }
        tx.commit();
    }
    store.removeGeneration(generation.userId, generation.id);
}





} // namespace vesper::backend
