#pragma once
// How a generation's rows are settled when its work ends without images or its session or project
// goes: status, refund with a ledger row, job removed, files removed after the commit. The workers,
// the generation service and the session and project repositories all end generations through here.
#include "domain/generationstatus.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace vesper::backend {

class Database;
class ObjectStore;

/// Where a generation's files are: the folder {userId}/{generationId} of the object store.
struct GenerationFolder {
    QString userId;
    QString generationId;
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
    /// Whether a stored status is final (an unknown one is not).
    static bool isFinished(const QString &status);
    /// Whether the generation's folder may hold files that matter: it still runs, or it kept outputs.
    static bool holdsFiles(const QSqlDatabase &db, const QString &generationId);
    /// Whether the generation has output rows (a completed one, or one cancelled after some images).
    static bool hasOutputs(const QSqlDatabase &db, const QString &generationId);
};

} // namespace vesper::backend
