#pragma once
// The SQL of single outputs: finding one with its generation's creator, starring, deleting, listing
// a generation's, and inserting the outputs a finished job made. The services in generation/ hold
// the transactions (and the checks and files around them); the rows are written here.
#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::backend {

class Database;

/// An output row with what the permission checks and its files need.
struct OutputRow {
    QString id;
    QString generationId;
    QString creatorId; // the generation's user
    QString storageKey;
    QString thumbKey;
    QString sha256;
    QString sessionId;
};

/// One image of a finished job, already stored under its keys.
struct NewOutput {
    QString storageKey;
    QString thumbKey;
    QString sha256;
    qint64 bytes = 0;
    int width = 0;
    int height = 0;
};

/// Where a job's outputs belong.
struct OutputOwner {
    QString generationId;
    QString sessionId;
    QString projectId;
};

class OutputRepository {
public:
    explicit OutputRepository(Database &database);

    /// The output with its generation's user; nullopt when it is missing.
    std::optional<OutputRow> find(const QString &outputId);
    /// The output object as JSON (as the lists show it); nullopt when it is gone.
    std::optional<QByteArray> json(const QString &outputId);
    /// Whether the output is starred; nullopt when it is gone.
    static std::optional<bool> isStarred(const QSqlDatabase &db, const QString &outputId);
    /// Sets is_starred with the given rev; call inside the caller's transaction.
    static void setStarred(const QSqlDatabase &db, const QString &outputId, bool starred, qint64 rev);
    /// Deletes the row; false when it was already gone.
    static bool remove(const QSqlDatabase &db, const QString &outputId);
    /// The ids of a generation's outputs.
    static QStringList idsOf(const QSqlDatabase &db, const QString &generationId);
    /// Inserts the outputs of a finished job, each with the next rev from firstRev (one statement
    /// prepared once); returns the rev after the last. Call inside the caller's transaction.
    qint64 insert(const QSqlDatabase &db, const OutputOwner &owner, const QList<NewOutput> &outputs, qint64 createdAt, qint64 firstRev);

private:
    Database &m_database;
};

} // namespace vesper::backend
