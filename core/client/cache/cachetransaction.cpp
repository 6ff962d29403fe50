#include "client/cache/cachetransaction.h"

#include <QSqlError>
#include <QSqlQuery>

namespace vesper::client {

CacheTransaction::CacheTransaction(QSqlDatabase db)
    : m_db(std::move(db))
{
}

CacheTransaction::~CacheTransaction()
{
    if (m_open)
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK"));
}

bool CacheTransaction::begin(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
        *error = QStringLiteral("cannot start a cache transaction: %1").arg(q.lastError().text());
        return false;
    }
    m_open = true;
    return true;
}

bool CacheTransaction::commit(QString *error)
{
    QSqlQuery q(m_db);
    if (!q.exec(QStringLiteral("COMMIT"))) {
        *error = QStringLiteral("cannot commit to the cache: %1").arg(q.lastError().text());
        return false;
    }
    m_open = false;
    return true;
}

} // namespace vesper::client
