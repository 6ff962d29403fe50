#include "backend/repositories/revguard.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "domain/domainerror.h"

namespace vesper::backend {

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

void RevGuard::require(Database &database, const QSqlDatabase &db, std::optional<qint64> expectedRev, const QString &table,
                       const QString &id, const std::function<QJsonObject()> &current)
{
    if (!expectedRev)
        return;
    static const QStringList tables{QStringLiteral("projects"), QStringLiteral("sessions"), QStringLiteral("generations"),
                                    QStringLiteral("outputs")};
    if (!tables.contains(table))
        throw DomainError::internal(QStringLiteral("no rev check for table %1").arg(table));
    if (!database.isSqlite()) {
        // Every write that gives a row a new rev takes the rev counter's row lock until it commits.
        // Taking it first (the order every writer uses) waits out those in flight and holds off new
        // ones, so the rev read next is the latest and stays so until this transaction commits.
        // (SQLite: BEGIN IMMEDIATE already made this the only writer.)
        SqlQuery::run(db, QStringLiteral("UPDATE rev_counter SET value = value WHERE id = 1"));
    }
    SqlQuery q(db, QStringLiteral("SELECT rev FROM %1 WHERE id = :id").arg(table));
    q.bind(QStringLiteral(":id"), id).exec();
    if (!q.next())
        throw DomainError::notFound(table.left(table.size() - 1));
    if (q.int64(0) == *expectedRev)
        return;
    DomainError stale(ErrorCode::PreconditionFailed,
                      QStringLiteral("the %1 changed since rev %2; its current state is attached").arg(table.left(table.size() - 1)).arg(*expectedRev));
    throw stale.withDetails(QJsonObject{{QStringLiteral("current"), current ? current() : QJsonObject()}});
}

} // namespace vesper::backend
