#pragma once
// How a generation's rows and credits are settled: the debit when it is accepted; its end with
// images (status, finish time) or without them (status, refund with a ledger row, job removed, files
// removed after the commit); its session or project going. The workers, the generation service and
// the session and project repositories all end generations through here.
#include "domain/generationstatus.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;
class ObjectStore;

/// Where a generation's files are: the folder {userId}/{generationId} of the object store.
struct GenerationFolder {
    QString userId;
    QString generationId;
};

/// A generation's state, read with its row locked (FOR UPDATE on PostgreSQL).
struct LockedGeneration {
    QString status;
    qint64 cost = 0;
};

class GenerationSettlement {
public:
    /// The most characters of an error message a generation keeps; providers word theirs within it.
    static constexpr int kMessageLimit = 1000;
    /// message as stored: cut at kMessageLimit with "…" when longer.
    static QString storedMessage(const QString &message);
    /// Ends an unfinished generation as failed or cancelled with a refund and deletes its job, in
    /// one transaction; false when it had already finished or is gone (then only the job is removed).
    /// Files an earlier attempt left are removed afterwards.
    static bool finishUnsuccessful(Database &database, ObjectStore &store, const QString &generationId, GenerationStatus status,
                                   const QString &errorCode, const QString &errorMessage);
    /// Inside the transaction that deletes a session or a project (`column` is "session_id" or
    /// "project_id"): refunds each of its generations that had not finished, whose work will now
    /// never run, and returns the folders of all of them for the caller to remove after committing.
    static QList<GenerationFolder> settleForDelete(Database &database, const QSqlDatabase &db, const QString &column,
                                                   const QString &id);
    /// Removes the folders settleForDelete returned (after the deleting transaction committed).
    static void removeFolders(ObjectStore &store, const QList<GenerationFolder> &folders);
    /// Gives cost back to the user with a ledger row; call inside the caller's transaction.
    static void refund(Database &database, const QSqlDatabase &db, const QString &userId, const QString &generationId, qint64 cost);
    /// Takes cost from the user's credits (one statement, so two requests cannot both spend the same
    /// credits) with a new rev and a ledger row; returns the balance after, nullopt when it is short.
    /// Call inside the transaction that inserts the generation.
    static std::optional<qint64> debit(Database &database, const QSqlDatabase &db, const QString &userId, const QString &generationId,
                                       qint64 cost);
    /// The user's credits now (0 for an unknown user).
    static qint64 balance(const QSqlDatabase &db, const QString &userId);
    /// Locks the generation's row for a change of state and reads it; nullopt when it is gone.
    static std::optional<LockedGeneration> lock(const Database &database, const QSqlDatabase &db, const QString &generationId);
    /// Ends a locked generation whose job made images: status, finish time and rev (progress 100
    /// when completed); `note` (why fewer images came back) stored as its error message when not empty.
    static void finishWithImages(const Database &database, const QSqlDatabase &db, const QString &generationId, GenerationStatus status,
                                 qint64 finishedAt, qint64 rev, const QString &note);
    /// Whether a stored status is final (an unknown one is not).
    static bool isFinished(const QString &status);
    /// Whether the generation's folder may hold files that matter: it still runs, or it kept outputs.
    static bool holdsFiles(const QSqlDatabase &db, const QString &generationId);
    /// Whether the generation has output rows (a completed one, or one cancelled after some images).
    static bool hasOutputs(const QSqlDatabase &db, const QString &generationId);
};

} // namespace vesper::backend
