#include "backend/db/transaction.h"
#include "backend/db/changenotifier.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "common/logging.h"

#include <QHash>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::backend {
namespace {
/// Open transactions per connection of this thread (connections never leave their thread).
QHash<QString, int> &openDepth()
{
    thread_local QHash<QString, int> depth;
    return depth;
}

/// The highest rev allocated in the open transaction of each connection of this thread: at the
/// outermost commit, change streams are told (allocateRevs may be called without the Transaction).
QHash<QString, qint64> &pendingRevs()
{
    thread_local QHash<QString, qint64> revs;
    return revs;
}
/// Connections of this thread whose open PostgreSQL transaction holds the rev counter's lock.
QSet<QString> &counterLocked()
{
    thread_local QSet<QString> locked;
    return locked;
}

void lockCounter(const QSqlDatabase &db)
{
    SqlQuery::run(db, QStringLiteral("SELECT value FROM rev_counter WHERE id = 1 FOR UPDATE"));
    counterLocked().insert(db.connectionName());
}
} // namespace

Transaction::Transaction(Database &database, const QSqlDatabase &db, Revs revs)
    : m_database(database)
    , m_db(db)
{
    m_gate.emplace(database); // recursive: a nested one takes it again
    const QString name = m_db.connectionName();
    int &depth = openDepth()[name];
    if (depth > 0) {
        m_savepoint = QStringLiteral("vesper_sp%1").arg(depth);
        SqlQuery::run(m_db, QStringLiteral("SAVEPOINT ") + m_savepoint);
        if (revs == WithRevs && !database.isSqlite() && !counterLocked().contains(name)) {
            // Late: the outer transaction may hold row locks already. Say so, so it gets WithRevs.
            qCWarning(lcDb) << "a transaction that allocates revs is nested in one opened WithoutRevs";
            lockCounter(m_db);
        }
    } else {
        SqlQuery::run(m_db, database.isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
        counterLocked().remove(name);
        if (revs == WithRevs && !database.isSqlite())
            lockCounter(m_db);
    }
    ++depth;
    m_open = true;
}

Transaction::~Transaction()
{
    if (m_open) {
        QSqlQuery q(m_db);
        if (m_savepoint.isEmpty()) {
            q.exec(QStringLiteral("ROLLBACK"));
            pendingRevs().remove(m_db.connectionName());
            counterLocked().remove(m_db.connectionName());
        } else {
            q.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ") + m_savepoint);
            q.exec(QStringLiteral("RELEASE SAVEPOINT ") + m_savepoint);
        }
        --openDepth()[m_db.connectionName()];
    }
    m_gate.reset();
}

void Transaction::commit()
{
    const qint64 rev = m_savepoint.isEmpty() ? pendingRevs().take(m_db.connectionName()) : 0;
    ChangeNotifier &changes = m_database.changes();
    if (rev > 0 && changes.viaDatabase()) {
        // Delivered by PostgreSQL at COMMIT, to every instance's listener, and never for a rollback.
        SqlQuery notify(m_db, QStringLiteral("SELECT pg_notify('%1', :rev)").arg(QLatin1String(ChangeNotifier::kChangesChannel)));
        notify.bind(QStringLiteral(":rev"), QString::number(rev)).exec();
    }
    SqlQuery::run(m_db, m_savepoint.isEmpty() ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE SAVEPOINT ") + m_savepoint);
    if (m_savepoint.isEmpty())
        counterLocked().remove(m_db.connectionName());
    m_open = false;
    --openDepth()[m_db.connectionName()];
    m_gate.reset();
    if (rev > 0 && !changes.viaDatabase())
        changes.committed(rev); // after the write lock is released: listeners only raise flags
}

qint64 Transaction::allocateRevs(const QSqlDatabase &db, qint64 count)
{
    // One row holds the counter: on PostgreSQL its row lock orders writers, so revs become visible
    // in increasing order and the changes feed never skips a row committed late. The lock is taken
    // at BEGIN (see the header); a rev taken outside a transaction would commit before its row.
    if (openDepth().value(db.connectionName()) == 0)
        qCWarning(lcDb) << "a rev was allocated outside a transaction: the changes feed may skip its row";
    else if (db.driverName() == QLatin1String("QPSQL") && !counterLocked().contains(db.connectionName()))
        qCWarning(lcDb) << "a rev was allocated in a transaction opened WithoutRevs: it may deadlock";
    SqlQuery q(db, QStringLiteral("UPDATE rev_counter SET value = value + :n WHERE id = 1 RETURNING value"));
    q.bind(QStringLiteral(":n"), count).exec();
    if (!q.next())
        throw DbError(QStringLiteral("rev counter row is missing"));
    const qint64 last = q.int64(0);
    qint64 &pending = pendingRevs()[db.connectionName()];
    pending = std::max(pending, last);
    return last - count + 1;
}

} // namespace vesper::backend
