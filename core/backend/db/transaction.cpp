#include "backend/db/transaction.h"
#include "backend/db/changenotifier.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "common/logging.h"

#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::backend {
namespace {
/// What the open transaction of one connection of this thread holds (connections never leave their
/// thread): how deep it is nested, the highest rev it allocated (change streams are told at the
/// outermost commit; allocateRevs may be called without the Transaction), and whether it holds the
/// rev counter's lock (PostgreSQL).
struct OpenTransaction {
    int depth = 0;
    qint64 pendingRev = 0;
    bool postgres = false;
    bool counterLocked = false;
};

QHash<QString, OpenTransaction> &openTransactions()
{
    thread_local QHash<QString, OpenTransaction> open;
    return open;
}

void lockCounter(const QSqlDatabase &db, OpenTransaction &open)
{
    SqlQuery::run(db, QStringLiteral("SELECT value FROM rev_counter WHERE id = 1 FOR UPDATE"));
    open.counterLocked = true;
}
} // namespace

Transaction::Transaction(Database &database, const QSqlDatabase &db, Revs revs)
    : m_database(database)
    , m_db(db)
{
    m_gate.emplace(database); // recursive: a nested one takes it again
    OpenTransaction &open = openTransactions()[m_db.connectionName()];
    if (open.depth > 0) {
        m_savepoint = QStringLiteral("vesper_sp%1").arg(open.depth);
        SqlQuery::run(m_db, QStringLiteral("SAVEPOINT ") + m_savepoint);
        if (revs == WithRevs && open.postgres && !open.counterLocked) {
            // Late: the outer transaction may hold row locks already. Say so, so it gets WithRevs.
            qCWarning(lcDb) << "a transaction that allocates revs is nested in one opened WithoutRevs";
            lockCounter(m_db, open);
        }
    } else {
        SqlQuery::run(m_db, database.isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"));
        open = OpenTransaction{};
        open.postgres = !database.isSqlite();
        if (revs == WithRevs && open.postgres)
            lockCounter(m_db, open);
    }
    ++open.depth;
    m_open = true;
}

Transaction::~Transaction()
{
    if (m_open) {
        QSqlQuery q(m_db);
        if (m_savepoint.isEmpty()) {
            q.exec(QStringLiteral("ROLLBACK"));
            openTransactions().remove(m_db.connectionName());
        } else {
            q.exec(QStringLiteral("ROLLBACK TO SAVEPOINT ") + m_savepoint);
            q.exec(QStringLiteral("RELEASE SAVEPOINT ") + m_savepoint);
            --openTransactions()[m_db.connectionName()].depth;
        }
    }
    m_gate.reset();
}

void Transaction::commit()
{
    const QString name = m_db.connectionName();
    const qint64 rev = m_savepoint.isEmpty() ? openTransactions().value(name).pendingRev : 0;
    ChangeNotifier &changes = m_database.changes();
    if (rev > 0 && changes.viaDatabase()) {
        // Delivered by PostgreSQL at COMMIT, to every instance's listener, and never for a rollback.
        SqlQuery notify(m_db, QStringLiteral("SELECT pg_notify('%1', :rev)").arg(QLatin1String(ChangeNotifier::kChangesChannel)));
        notify.bind(QStringLiteral(":rev"), QString::number(rev)).exec();
    }
    SqlQuery::run(m_db, m_savepoint.isEmpty() ? QStringLiteral("COMMIT") : QStringLiteral("RELEASE SAVEPOINT ") + m_savepoint);
    if (m_savepoint.isEmpty())
        openTransactions().remove(name);
    else
        --openTransactions()[name].depth;
    m_open = false;
    m_gate.reset();
    if (rev > 0 && !changes.viaDatabase())
        changes.committed(rev); // after the write lock is released: listeners only raise flags
}

qint64 Transaction::allocateRevs(const QSqlDatabase &db, qint64 count)
{
    // One row holds the counter: on PostgreSQL its row lock orders writers, so revs become visible
    // in increasing order and the changes feed never skips a row committed late. The lock is taken
    // at BEGIN (see the header); a rev taken outside a transaction would commit before its row.
    const auto open = openTransactions().find(db.connectionName());
    if (open == openTransactions().end())
        qCWarning(lcDb) << "a rev was allocated outside a transaction: the changes feed may skip its row";
    else if (open->postgres && !open->counterLocked)
        qCWarning(lcDb) << "a rev was allocated in a transaction opened WithoutRevs: it may deadlock";
    SqlQuery q(db, QStringLiteral("UPDATE rev_counter SET value = value + :n WHERE id = 1 RETURNING value"));
    q.bind(QStringLiteral(":n"), count).exec();
    if (!q.next())
        throw DbError(QStringLiteral("rev counter row is missing"));
    const qint64 last = q.int64(0);
    if (open != openTransactions().end())
        open->pendingRev = std::max(open->pendingRev, last);
    return last - count + 1;
}

} // namespace vesper::backend
