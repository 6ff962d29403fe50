#pragma once
// The table behind the Idempotency-Key header of creates (migration 0006): per user and key, the
// request's fingerprint and the first answer, written inside the transaction that made the row, so
// a replay returns that answer and a crash never leaves a row without its answer or the reverse.
#include <QByteArray>
#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace vesper::backend {

class Database;

/// The first answer given to a request with this key.
struct StoredAnswer {
    QString fingerprint; // sha256 of method, path and body
    int status = 0;
    QByteArray body;
};

class IdempotencyStore {
public:
    explicit IdempotencyStore(Database &database);

    /// The answer kept for (user, key); nullopt when none was committed.
    std::optional<StoredAnswer> find(const QSqlDatabase &db, const QString &userId, const QString &key);
    /// Inside the caller's transaction: reserves (user, key) for this request. False when a twin
    /// committed first; on PostgreSQL an uncommitted twin is waited for (the unique key's lock).
    bool claim(const QSqlDatabase &db, const QString &userId, const QString &key, const QString &fingerprint);
    /// Inside the same transaction: the answer for a key this request claimed.
    void save(const QSqlDatabase &db, const QString &userId, const QString &key, int status, const QByteArray &body);
    /// Deletes keys created before `cutoffMicros`; returns how many.
    int prune(qint64 cutoffMicros);

private:
    Database &m_database;
};

} // namespace vesper::backend
