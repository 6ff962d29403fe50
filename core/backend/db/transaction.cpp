#include "backend/db/transaction.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"

#include <QSqlError>
#include <QSqlQuery>

namespace vesper::backend {

Transaction::Transaction(Database &database, const QSqlDatabase &db)
    : m_db(db)
{
    m_gate.emplace(database);
    SqlQuery::run(m_db, database.isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
    m_open = true;
}

Transaction::~Transaction()
{
    if (m_open) {
        QSqlQuery q(m_db);
        q.exec(QStringLiteral("ROLLBACK"));
    }
    m_gate.reset();
}

void Transaction::commit()
{
    SqlQuery::run(m_db, QStringLiteral("COMMIT"));
    m_open = false;
    m_gate.reset();
}

qint64 Transaction::allocateRevs(const QSqlDatabase &db, qint64 count)
{
    // One row holds the counter: on PostgreSQL its row lock orders writers, so revs become visible
    // in increasing order and the changes feed never skips a row committed late.
    SqlQuery q(db, QStringLiteral("UPDATE rev_counter SET value = value + :n WHERE id = 1 RETURNING value"));
    q.bind(QStringLiteral(":n"), count).exec();
    if (!q.next())
        throw DbError(QStringLiteral("rev counter row is missing"));
    return q.int64(0) - count + 1;
}

} // namespace vesper::backend
