#include "backend/repositories/revguard.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "domain/domainerror.h"

namespace vesper::backend {
namespace {
void lockRevs(Database &database, const QSqlDatabase &db)
{
    if (!database.isSqlite()) {
        // Every write that gives a row a new rev takes the rev counter's row lock until it commits.
        // Taking it first (the order every writer uses) waits out those in flight and holds off new
        // ones, so the rev read next is the latest and stays so until this transaction commits.
        // (SQLite: BEGIN IMMEDIATE already made this the only writer.)
        SqlQuery::run(db, QStringLiteral("UPDATE rev_counter SET value = value WHERE id = 1"));
    }
}

/// Compares the rev `select` (one row, one column) reads with the expected one; `noun` names the row.
void compareRev(SqlQuery &select, qint64 expectedRev, const QString &noun, const std::function<QJsonObject()> &current)
{
    select.exec();
    if (!select.next())
        throw DomainError::notFound(noun);
    if (select.int64(0) == expectedRev)
        return;
    DomainError stale(ErrorCode::PreconditionFailed,
                      QStringLiteral("the %1 changed since rev %2; its current state is attached").arg(noun).arg(expectedRev));
    throw stale.withDetails(QJsonObject{{QStringLiteral("current"), current ? current() : QJsonObject()}});
}
} // namespace

RevGuard::RevGuard(Database &database, std::optional<qint64> expectedRev)
    : m_database(database)
    , m_expected(expectedRev)
{
    if (m_expected)
        m_tx = std::make_unique<Transaction>(m_database, m_database.connection());
}

RevGuard::~RevGuard() = default;

void RevGuard::check(const QString &table, const QString &id, const std::function<QJsonObject()> &current)
{
    if (m_expected)
        require(m_database, m_database.connection(), m_expected, table, id, current);
}

void RevGuard::commit()
{
    if (m_tx)
        m_tx->commit();
}

void RevGuard::checkMember(const QString &projectId, const QString &userId, const std::function<QJsonObject()> &current)
{
    if (!m_expected)
        return;
    QSqlDatabase db = m_database.connection();
    lockRevs(m_database, db);
    SqlQuery q(db, QStringLiteral("SELECT rev FROM project_members WHERE project_id = :p AND user_id = :u"));
    q.bind(QStringLiteral(":p"), projectId).bind(QStringLiteral(":u"), userId);
    compareRev(q, *m_expected, QStringLiteral("member"), current);
}

void RevGuard::require(Database &database, const QSqlDatabase &db, std::optional<qint64> expectedRev, const QString &table,
                       const QString &id, const std::function<QJsonObject()> &current)
{
    if (!expectedRev)
        return;
    static const QStringList tables{QStringLiteral("projects"), QStringLiteral("sessions"), QStringLiteral("generations"),
                                    QStringLiteral("outputs")};
    if (!tables.contains(table))
        throw DomainError::internal(QStringLiteral("no rev check for table %1").arg(table));
    lockRevs(database, db);
    SqlQuery q(db, QStringLiteral("SELECT rev FROM %1 WHERE id = :id").arg(table));
    q.bind(QStringLiteral(":id"), id);
    compareRev(q, *expectedRev, table.left(table.size() - 1), current);
}

} // namespace vesper::backend
