#pragma once
// The write side of generations (DESIGN §5): accepting a request (idempotency, credits, the job in
// the same transaction), finishing one as failed or cancelled with its refund, deleting one, and
// reading generations with their outputs for the detail and the poller's status call.
#include "backend/access/accesscontrol.h"

#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>

namespace vesper::backend {

class Database;
class ObjectStore;
struct JobTarget;

struct GenerateRequest {
    QString sessionId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    QString aspectRatio;
    QString resolution;
    int numOutputs = 1;
    qint64 seed = 0;
    QString clientId;
    qint64 cost = 0; // credits for the whole request
    QStringList referenceUploadIds; // the caller's own uploads, checked in submit()
};

struct SubmitResult {
    QString id;
    QString clientId;
    QString status;
    bool created = false; // false when the clientId was seen before
    qint64 cost = 0;      // credits the generation cost (debited once, by the first request)
    qint64 credits = 0;   // the caller's balance now (right after the debit, on the first request)
};

/// A generation the caller can see, with what the permission checks need.
struct GenerationRef {
    QString id;
    QString userId;
    QString status;
    qint64 cost = 0;
    SessionAccess access;
};

class GenerationService {
public:
    explicit GenerationService(Database &database);

    /// Inserts generation, debit, ledger row and job in one transaction; 402 when credits are short.
    /// A clientId seen before answers with its generation; only a new one calls `admit` first (the
    /// rate limit, which throws to refuse), so a resend is never limited. The lookup and `admit` run
    /// before the transaction (and its rev counter lock) opens; the lookup is repeated inside it.
    SubmitResult submit(const QString &userId, const SessionAccess &access, const GenerateRequest &request, int maxAttempts,
                        const std::function<void()> &admit = {});
    /// The generation if the caller can see it; 404 otherwise (also for a malformed id).
    GenerationRef find(const QString &userId, const QString &generationId);
    /// Visible generations among ids as a JSON array of generation objects with their outputs.
    QByteArray readJson(const QString &userId, const QStringList &ids);
    /// Queued: cancelled at once with a refund. Processing: the worker is asked to stop. 409 when finished.
    void cancel(const GenerationRef &generation, ObjectStore &store);
    /// Deletes the rows (tombstones, stats, refund when unfinished), then the files. `precondition`
    /// runs first inside the deleting transaction (the If-Match check) and refuses by throwing.
    void remove(const GenerationRef &generation, ObjectStore &store, const std::function<void()> &precondition = {});

private:
    /// The generation as a job's target, and how many outputs it was asked (and paid) for.
    static JobTarget target(const QSqlDatabase &db, const GenerationRef &generation, int *requested);
    static void requireOwnUploads(const QSqlDatabase &db, const QString &userId, const QStringList &uploadIds);
    /// The caller's generation with this clientId, when it was made in sessionId (a resend). One made
    /// in another session is a 409 that names nothing of it: the caller may no longer see it.
    std::optional<SubmitResult> findByClient(const QSqlDatabase &db, const QString &userId, const QString &clientId,
                                             const QString &sessionId);

    Database &m_database;
};

} // namespace vesper::backend
