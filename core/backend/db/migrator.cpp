#include "backend/db/migrator.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/writegate.h"
#include "common/sql/sqlmigrator.h"

namespace vesper::backend {

Migrator::Migrator(Database &database, QString resourceRoot)
    : m_database(database)
    , m_root(std::move(resourceRoot))
{
}

bool Migrator::migrate(QString *error)
{
    m_applied.clear();
    const QString folder = m_root + (m_database.isSqlite() ? QStringLiteral("/sqlite") : QStringLiteral("/postgres"));
    try {
        // Each migration's transaction queues behind this process's other SQLite writers.
        Database &database = m_database;
        sql::SqlMigrator migrator(m_database.connection(), folder,
                                  m_database.isSqlite() ? sql::SqlDialect::Sqlite : sql::SqlDialect::Postgres,
                                  [&database] { return std::make_shared<WriteGate>(database); });
        const bool ok = migrator.migrate(error);
        m_applied = migrator.applied();
        return ok;
    } catch (const DbError &e) {
        *error = e.message();
        return false;
    }
}

} // namespace vesper::backend
