#pragma once
// The If-Match check of PATCH and DELETE (a stale offline edit must not overwrite a newer one): the
// row's rev is read and compared inside the transaction that then writes, with every other writer
// held back until it commits, so nothing can change the row between the check and the write.
// Memberships are checked too: their rev is the one their "member" change carries in the feed.
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace vesper::backend {

class Database;
class Transaction;

class RevGuard {
public:
    /// Opens the guarding transaction when a rev is expected; with nullopt it guards nothing.
    RevGuard(Database &database, std::optional<qint64> expectedRev);
    ~RevGuard();
    RevGuard(const RevGuard &) = delete;
    RevGuard &operator=(const RevGuard &) = delete;

    /// Throws 412 PRECONDITION_FAILED, with `current()` as the body's "current", unless the row of
    /// `table` ("projects", "sessions", "generations" or "outputs") still has the expected rev.
    void check(const QString &table, const QString &id, const std::function<QJsonObject()> &current);
    /// The same for a membership (project_members is keyed by project and user; its rev is the one
    /// its "member" change carries in the feed).
    void checkMember(const QString &projectId, const QString &userId, const std::function<QJsonObject()> &current);
    /// Commits the guarded write (nothing when nothing was guarded).
    void commit();

    /// The same check inside a transaction the caller already holds on db.
    static void require(Database &database, const QSqlDatabase &db, std::optional<qint64> expectedRev, const QString &table,
                        const QString &id, const std::function<QJsonObject()> &current);

private:
    Database &m_database;
    std::optional<qint64> m_expected;
    std::unique_ptr<Transaction> m_tx;
};

} // namespace vesper::backend
