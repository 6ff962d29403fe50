#pragma once
// The generation queue in the jobs table (DESIGN §5). Workers claim a job with a lease that they
// extend while they run; a worker that dies leaves a lease that expires and the job runs again.
// PostgreSQL claims with FOR UPDATE SKIP LOCKED, SQLite in one short write transaction.
#include "domain/generationstatus.h"

#include <QHash>
#include <QSqlDatabase>
#include <QStringList>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

struct ClaimedJob {
    QString generationId;
    int attempts = 0;     // including this one
    int maxAttempts = 0;
};

/// A claimed job's generation as the worker needs it.
struct JobRecord {
    QString userId;
    QString sessionId;
    QString projectId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    QString parametersJson; // the stored parameters object
    GenerationStatus status = GenerationStatus::Queued;
    bool cancelRequested = false;
};

class JobQueue {
public:
    explicit JobQueue(Database &database);

    /// Adds the job of a new generation; call inside the transaction that inserts the generation.
    void enqueue(const QSqlDatabase &db, const QString &generationId, int priority, int maxAttempts);
    /// Claims the next runnable job for `owner` for `leaseSeconds`; nullopt when none is due.
    std::optional<ClaimedJob> claim(const QString &owner, int leaseSeconds);
    /// Extends a lease this owner holds; false when the lease was lost (expired and reclaimed, or deleted).
    bool extend(const QString &generationId, const QString &owner, int leaseSeconds);
    /// Releases the lease and makes the job due again after delayMicros (a transient failure).
    void retryLater(const QString &generationId, const QString &owner, qint64 delayMicros, const QString &error);
    /// Releases the lease without counting the attempt (shutdown, or an open circuit breaker), due again
    /// after delayMicros.
    void release(const QString &generationId, const QString &owner, qint64 delayMicros = 0);
    /// What the provider started for this job on its side (see ProgressSink::providerTask); empty if nothing.
    QString providerTask(const QString &generationId);
    /// Records it while `owner` holds the lease; false when the lease is lost (nothing written).
    bool setProviderTask(const QString &generationId, const QString &owner, const QString &task);
    /// Whether a cancel was requested for a running job.
    bool cancelRequested(const QString &generationId);
    /// Marks a running job's cancel request; call inside the caller's transaction.
    static void requestCancel(const QSqlDatabase &db, const QString &generationId);
    /// Whether a worker holds a live lease on the job (false while it waits out a retry or the breaker).
    static bool isLeased(const Database &database, const QSqlDatabase &db, const QString &generationId);
    /// Deletes a job; call inside the transaction that finishes its generation.
    static void remove(const QSqlDatabase &db, const QString &generationId);
    /// The generation behind a job; nullopt when it was deleted with its generation.
    std::optional<JobRecord> load(const QString &generationId);
    /// queued/processing -> processing (started_at kept from an earlier attempt), with a new rev;
    /// false when the generation finished or went meanwhile.
    bool markProcessing(const QString &generationId);
    /// Raises a running generation's progress (never lowers it: a retry counts from zero again). Keeps
    /// the rev: progress alone adds no changes-feed revision (status changes do).
    void writeProgress(const QString &generationId, int percent, bool estimate);
    /// Storage keys of the user's own uploads among ids (others and missing ones are left out).
    QHash<QString, QString> uploadKeys(const QString &userId, const QStringList &ids);
    /// Jobs not finished yet (the queue depth metric).
    qint64 depth();

private:
    Database &m_database;
};

} // namespace vesper::backend
