#include "backend/db/database.h"
#include "backend/db/changenotifier.h"
#include "backend/db/dberror.h"
#include "backend/db/statementcache.h"
#include "backend/db/walcheckpointer.h"
#include "common/logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QHash>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>
#include <map>
#include <mutex>
#include <sqlite3.h>

namespace vesper::backend {

std::atomic<int> Database::s_instances{0};

namespace {
constexpr int kMaxStatementsPerConnection = 256;

// Set when the application object goes away: a pool thread that ends after that (its thread-local
// destructors can run while the process exits) must not touch QtSql's registry, already torn down.
// The flag and the cleanup of an ending thread share one lock, so the application cannot finish
// tearing down while a thread is half-way through closing its connections (QThread::wait returns
// before a thread's thread-local destructors have run). Never freed: exit may still need it.
std::atomic<bool> s_qtGone{false};
std::mutex &teardownLock()
{
    static std::mutex *lock = new std::mutex;
    return *lock;
}
void markQtGone()
{
    std::lock_guard<std::mutex> guard(teardownLock());
    s_qtGone = true;
}

// Connection names this thread opened, keyed by Database instance, and their prepared statements;
// removed when the thread ends.
struct ThreadConnections {
    std::map<int, QString> names;
    QHash<QString, QHash<QString, std::shared_ptr<CachedStatement>>> statements; // connection -> sql -> statement
    QHash<QString, std::shared_ptr<void>> walHooks; // connection -> its WalCheckpointer hook; outlives it
    ~ThreadConnections()
    {
        std::lock_guard<std::mutex> guard(teardownLock());
        if (s_qtGone) {
            // The process is exiting and QtSql may be torn down beside us: leave the statements and
            // connections to the exit (leaked on purpose; SQLite's WAL is durable as it stands).
            new decltype(statements)(std::move(statements));
            new decltype(walHooks)(std::move(walHooks));
            return;
        }
        statements.clear();
        for (const auto &entry : names) {
            {
                QSqlDatabase db = QSqlDatabase::database(entry.second, false);
                if (db.isValid())
                    db.close();
            }
            QSqlDatabase::removeDatabase(entry.second);
        }
        walHooks.clear(); // after every connection closed
    }
};
thread_local ThreadConnections t_connections;
} // namespace

std::shared_ptr<CachedStatement> acquireStatement(const QString &connectionName, const QString &sql)
{
    auto connection = t_connections.statements.find(connectionName);
    if (connection == t_connections.statements.end())
        return nullptr;
    auto &cache = *connection;
    auto it = cache.find(sql);
    if (it != cache.end()) {
        if ((*it)->inUse)
            return nullptr;
        (*it)->inUse = true;
        return *it;
    }
    if (cache.size() >= kMaxStatementsPerConnection) {
        for (auto entry = cache.begin(); entry != cache.end();)
            entry = (*entry)->inUse ? std::next(entry) : cache.erase(entry);
    }
    auto statement = std::make_shared<CachedStatement>(QSqlDatabase::database(connectionName, false));
    statement->inUse = true;
    cache.insert(sql, statement);
    return statement;
}

void releaseStatement(const std::shared_ptr<CachedStatement> &statement)
{
    statement->inUse = false;
}

Database::Database(DbConfig config)
    : m_config(std::move(config))
    , m_instance(++s_instances)
    , m_changes(std::make_unique<ChangeNotifier>(m_config))
{
    static std::once_flag registered;
    std::call_once(registered, [] { qAddPostRoutine(markQtGone); });
    if (isSqlite())
        m_checkpointer = std::make_unique<WalCheckpointer>(m_config.sqlitePath, m_writeGate);
    // Before SQLite initializes (on the first open): every connection stays on the thread that
    // opened it, so SQLite's per-connection mutexes and its global allocation statistics (a mutex
    // taken on every malloc) are pure overhead. Too late once initialized: then it is a no-op.
    static std::once_flag configured;
    std::call_once(configured, [] {
        sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    });
}

Database::~Database()
{
    auto it = t_connections.names.find(m_instance);
    if (it != t_connections.names.end()) {
        const QString name = it->second;
        t_connections.names.erase(it);
        t_connections.statements.remove(name);
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        t_connections.walHooks.remove(name);
    }
}

bool Database::truncateWal()
{
    if (!isSqlite())
        return true;
    // The background checkpointer may be mid-pass; its checkpoint lock makes TRUNCATE answer busy at
    // once (SQLite waits for no checkpointer), so try again until it went through.
    for (int attempt = 0; attempt < 100; ++attempt) {
        QSqlQuery q(connection());
        if (q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")) && q.next() && q.value(0).toInt() == 0)
            return true;
        QThread::msleep(20);
    }
    return false;
}

QSqlDatabase Database::open(const QString &name, QString *error)
{
    QSqlDatabase db;
    if (isSqlite()) {
        const QFileInfo info(m_config.sqlitePath);
        QDir().mkpath(info.absolutePath());
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_config.sqlitePath);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    } else {
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(m_config.host);
        db.setPort(m_config.port);
        db.setUserName(m_config.user);
        db.setPassword(m_config.password);
        db.setDatabaseName(m_config.database);
        QString options = QStringLiteral("connect_timeout=10");
        if (!m_config.options.isEmpty())
            options += QLatin1Char(';') + m_config.options;
        db.setConnectOptions(options);
    }
    if (!db.open()) {
        *error = db.lastError().text();
        return db;
    }
    QSqlQuery q(db);
    if (isSqlite()) {
        // WAL lets readers run beside the one writer; NORMAL sync is durable at checkpoints and
        // never corrupts; foreign keys are off by default in SQLite. No journal_size_limit: a burst
        // grows the WAL past any sane limit anyway (150–550 MB in 10 s of wrk), and the limit only
        // makes the commit that starts the WAL over truncate the file, which then regrows: p99 of
        // POST /api/generate 211 ms with it against 117 ms without (median of 9 alternating wrk
        // runs, tests/bench/README.md §5). The WalCheckpointer truncates a quiet WAL to nothing.
        // QtSql reads text as UTF-16: a database stored in UTF-16 skips a conversion (and an
        // allocation) per text value read. Takes effect only when the file is created.
        q.exec(QStringLiteral("PRAGMA encoding = 'UTF-16le'"));
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON",
                                   "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=10000",
                                   "PRAGMA cache_size=-65536", "PRAGMA mmap_size=268435456",
                                   "PRAGMA temp_store=MEMORY"}) {
            if (!q.exec(QString::fromLatin1(pragma))) {
                *error = q.lastError().text();
                db.close();
                return db;
            }
        }
    } else {
        q.exec(QStringLiteral("SET TIME ZONE 'UTC'"));
        q.exec(QStringLiteral("SET client_min_messages TO warning")); // no NOTICE lines on stderr
    }
    return db;
}

QSqlDatabase Database::connection()
{
    auto it = t_connections.names.find(m_instance);
    if (it != t_connections.names.end()) {
        QSqlDatabase db = QSqlDatabase::database(it->second, false);
        if (db.isOpen())
            return db;
        t_connections.statements.remove(it->second);
        QSqlDatabase::removeDatabase(it->second);
        t_connections.walHooks.remove(it->second);
        t_connections.names.erase(it);
    }
    static std::atomic<quint64> serial{0};
    const QString name = QStringLiteral("vesper-%1-%2").arg(m_instance).arg(++serial);
    QString error;
    QSqlDatabase db = open(name, &error);
    if (!db.isOpen()) {
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw DbError(QStringLiteral("cannot open %1: %2").arg(m_config.redacted(), error));
    }
    t_connections.names.emplace(m_instance, name);
    t_connections.statements.insert(name, {});
    if (m_checkpointer)
        t_connections.walHooks.insert(name, m_checkpointer->attach(db));
    return db;
}

bool Database::check(QString *error)
{
    try {
        QSqlDatabase db = connection();
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT 1"))) {
            *error = q.lastError().text();
            return false;
        }
        return true;
    } catch (const DbError &e) {
        *error = e.message();
        return false;
    }
}

QString Database::timeParam(const QString &placeholder) const
{
    if (isSqlite())
        return placeholder;
    return QStringLiteral("(TIMESTAMPTZ 'epoch' + CAST(%1 AS bigint) * INTERVAL '1 microsecond')").arg(placeholder);
}

QString Database::timeColumn(const QString &column) const
{
    if (isSqlite())
        return column;
    return QStringLiteral("(EXTRACT(EPOCH FROM %1) * 1000000)::bigint").arg(column);
}

QString Database::jsonParam(const QString &placeholder) const
{
    if (isSqlite())
        return placeholder;
    return QStringLiteral("CAST(%1 AS jsonb)").arg(placeholder);
}

} // namespace vesper::backend
