#include "backend/db/advisorylock.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "common/logging.h"

namespace vesper::backend {
namespace {
// The first half of every two-part key Vesper takes; the migrator's single-key lock is apart.
constexpr int kVesperLocks = 7465731;
} // namespace

AdvisoryLock::AdvisoryLock(Database *database, QString name, bool held, bool postgres)
    : m_database(database), m_name(std::move(name)), m_held(held), m_postgres(postgres)
{
}

AdvisoryLock::AdvisoryLock(AdvisoryLock &&other) noexcept
    : m_database(other.m_database), m_name(std::move(other.m_name)), m_held(other.m_held), m_postgres(other.m_postgres)
{
    other.m_held = false;
}

AdvisoryLock AdvisoryLock::tryTake(Database &database, const QString &name)
{
    if (database.isSqlite())
        return AdvisoryLock(&database, name, true, false);
    try {
        SqlQuery q(database.connection(), QStringLiteral("SELECT pg_try_advisory_lock(%1, hashtext(:name))").arg(kVesperLocks));
        q.bind(QStringLiteral(":name"), name).exec();
        return AdvisoryLock(&database, name, q.next() && q.boolean(0), true);
    } catch (const DbError &error) {
        qCWarning(lcDb).noquote() << "advisory lock" << name << "could not be asked for:" << error.what();
        return AdvisoryLock(&database, name, false, true);
    }
}

AdvisoryLock::~AdvisoryLock()
{
    if (!m_held || !m_postgres)
        return;
    try {
        SqlQuery q(m_database->connection(), QStringLiteral("SELECT pg_advisory_unlock(%1, hashtext(:name))").arg(kVesperLocks));
        q.bind(QStringLiteral(":name"), m_name).exec();
    } catch (const DbError &error) {
        // A lost connection took the lock with it.
        qCWarning(lcDb).noquote() << "advisory lock" << m_name << "could not be given back:" << error.what();
    }
}

} // namespace vesper::backend
