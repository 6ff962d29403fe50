#pragma once
// Reading generations with their outputs, and a project's recent images, as keyset pages; and the
// SQL of one generation's row for the generation service: found by id or clientId, inserted on
// accept, deleted. The service holds the transaction; what to check and when stays there.
#include "domain/cursor.h"

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QStringList>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

struct GenerationPage {
    QByteArray data; // a JSON array
    int count = 0;
    QString nextCursor;
};

/// A generation's row as the permission checks need it.
struct GenerationRow {
    QString id;
    QString sessionId;
    QString userId;
    QString status;
    qint64 cost = 0;
};

/// The generation a user made under a clientId, with the user's balance now.
struct ClientGeneration {
    QString id;
    QString sessionId;
    QString status;
    qint64 cost = 0;
    qint64 credits = 0;
};

/// What a generation asked for: its model and how many outputs it was paid for (at least 1).
struct GenerationAsk {
    QString modelId;
    int numOutputs = 1;
};

/// A generation's row as it is accepted (status queued, no progress).
struct NewGeneration {
    QString id;
    QString sessionId;
    QString projectId;
    QString userId;
    QString clientId;
    QString modelId;
    QString prompt;
    QString negativePrompt;
    QString parametersJson; // the parameters object, compact
    qint64 cost = 0;
    qint64 createdAt = 0;
    qint64 rev = 0;
};

class GenerationRepository {
public:
    explicit GenerationRepository(Database &database);

    /// Generations of one session, newest first, each with its outputs (two queries per page);
    /// viewerId (the caller) sees the clientId of their own generations.
    GenerationPage listForSession(const QString &sessionId, const QString &viewerId, int limit, const std::optional<Cursor> &after);
    /// A JSON array of generation objects: each one's members (written by rowcodec::generationFields)
    /// with an "outputs" array added, read in one query for all of them. ids[i] belongs to members[i].
    QByteArray withOutputs(const QList<QByteArray> &members, const QStringList &ids);
    /// Image outputs of a project newest first; members (includePrivate false) skip private sessions.
    GenerationPage listImages(const QString &projectId, bool includePrivate, int limit, const std::optional<Cursor> &after);

    /// The generation's row; nullopt when it is missing.
    std::optional<GenerationRow> find(const QString &generationId);
    /// The user's generation with this clientId; nullopt when there is none.
    static std::optional<ClientGeneration> findByClient(const QSqlDatabase &db, const QString &userId, const QString &clientId);
    /// The model and output count a generation asked for; nullopt when it is gone.
    static std::optional<GenerationAsk> ask(const QSqlDatabase &db, const QString &generationId);
    /// Generations among ids that userId may see, as a JSON array of generation objects with their
    /// outputs. visibleSql is the visibility condition (access/, over g, s, p, m and :u).
    QByteArray readVisible(const QString &userId, const QStringList &ids, const QString &visibleSql);
    /// Inserts an accepted generation; call inside the transaction that debits and enqueues it.
    void insert(const QSqlDatabase &db, const NewGeneration &row);
    /// Deletes the row (its outputs and job go with it by cascade).
    static void remove(const QSqlDatabase &db, const QString &generationId);
    /// Whether the session still exists (a failed insert tells a deleted session from a conflict).
    static bool sessionExists(const QSqlDatabase &db, const QString &sessionId);

private:
    Database &m_database;
};

} // namespace vesper::backend
