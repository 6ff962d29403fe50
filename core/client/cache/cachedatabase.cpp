#include "client/cache/cachedatabase.h"

#include <QCoreApplication>
#include <mutex>
#include "client/cache/cachefileguard.h"
#include "client/clientlogging.h"
#include "common/sql/sqlmigrator.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>
#include <map>

namespace vesper::client {

std::atomic<int> CacheDatabase::s_instances{0};

namespace {
// SQLite primary result codes (sqlite3.h) as QtSql reports them in nativeErrorCode().
constexpr int kSqliteBusy = 5, kSqliteLocked = 6, kSqliteCorrupt = 11, kSqliteFull = 13, kSqliteNotADb = 26;

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

// The connections this thread opened, by CacheDatabase instance; closed when the thread ends.
struct ThreadConnections {
    std::map<int, QString> names;
    ~ThreadConnections()
    {
        std::lock_guard<std::mutex> guard(teardownLock());
        if (s_qtGone)
            return; // the process is exiting: SQLite closes nothing that matters (WAL is durable)
        for (const auto &entry : names) {
            {
                QSqlDatabase db = QSqlDatabase::database(entry.second, false);
                if (db.isValid())
                    db.close();
            }
            QSqlDatabase::removeDatabase(entry.second);
        }
    }
};
thread_local ThreadConnections t_connections;

int primaryCode(const QSqlError &error)
{
    return error.nativeErrorCode().toInt() & 0xff;
}

bool isDamage(const QSqlError &error)
{
    const int code = primaryCode(error);
    return code == kSqliteCorrupt || code == kSqliteNotADb;
}

QString describe(const QSqlError &error)
{
    const int code = primaryCode(error);
    if (code == kSqliteBusy || code == kSqliteLocked)
        return QStringLiteral("another process keeps it locked (%1)").arg(error.databaseText());
    if (code == kSqliteFull)
        return QStringLiteral("the disk is full (%1)").arg(error.databaseText());
    return error.text();
}
} // namespace

CacheDatabase::CacheDatabase(QString dir)
    : m_dir(std::move(dir))
    , m_path(QDir(m_dir).filePath(QStringLiteral("cache.sqlite")))
    , m_guard(std::make_unique<CacheFileGuard>(m_path))
    , m_instance(++s_instances)
{
    static std::once_flag registered;
    std::call_once(registered, [] { qAddPostRoutine(markQtGone); });
}

CacheDatabase::~CacheDatabase()
{
    closeThreadConnection();
}

void CacheDatabase::closeThreadConnection()
{
    auto it = t_connections.names.find(m_instance);
    if (it == t_connections.names.end())
        return;
    const QString name = it->second;
    t_connections.names.erase(it);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

bool CacheDatabase::openConnection(const QString &name, QString *error)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open()) {
        *error = describe(db.lastError());
        return false;
    }
    QSqlQuery q(db);
    // WAL: the UI's readers never wait for the sync's writer. NORMAL sync never corrupts on a crash
    // (a power cut may lose the last pages, which the feed sends again). Children are deleted by
    // CacheStore, so foreign keys stay off. No memory map: every thread's connection mapped the
    // whole file, so scrolling a 100k gallery (UI thread plus the read-ahead and sync threads) showed
    // the file two or three times over in resident memory (266 MB of 548); reads go through each
    // connection's page cache instead (a 200-row page measured no slower at 100k; mapped reads had
    // halved it at 1M generations, bench_cache §8), 16 MiB each as there is one per thread.
    for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL", "PRAGMA busy_timeout=5000",
                               "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16384", "PRAGMA mmap_size=0",
                               "PRAGMA journal_size_limit=16777216"}) { // the WAL shrinks back after a big sync
        if (!q.exec(QString::fromLatin1(pragma))) {
            *error = describe(q.lastError());
            return false;
        }
    }
    return true;
}

QSqlDatabase CacheDatabase::connection(QString *error)
{
    QString local;
    QString *message = error ? error : &local;
    auto it = t_connections.names.find(m_instance);
    if (it != t_connections.names.end()) {
        QSqlDatabase db = QSqlDatabase::database(it->second, false);
        if (db.isOpen())
            return db;
        closeThreadConnection();
    }
    if (!m_open) {
        *message = QStringLiteral("the cache %1 is not open").arg(m_path);
        return {};
    }
    static std::atomic<quint64> serial{0};
    const QString name = QStringLiteral("vesper-cache-%1-%2").arg(m_instance).arg(++serial);
    if (!openConnection(name, message)) {
        QSqlDatabase::removeDatabase(name);
        *message = QStringLiteral("cannot open the cache %1: %2").arg(m_path, *message);
        return {};
    }
    t_connections.names.emplace(m_instance, name);
    return QSqlDatabase::database(name, false);
}

bool CacheDatabase::quickCheck(QString *error)
{
    QSqlDatabase db = connection(error);
    if (!db.isOpen())
        return false;
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("PRAGMA quick_check"))) {
        *error = describe(q.lastError());
        return false;
    }
    QStringList problems;
    while (q.next())
        problems << q.value(0).toString();
    if (problems == QStringList{QStringLiteral("ok")})
        return true;
    *error = problems.mid(0, 3).join(QStringLiteral("; "));
    return false;
}

bool CacheDatabase::checkUnmapped(QString *error)
{
    if (!m_open) {
        *error = QStringLiteral("the cache %1 is not open").arg(m_path);
        return false;
    }
    static std::atomic<quint64> serial{0};
    const QString name = QStringLiteral("vesper-cache-check-%1-%2").arg(m_instance).arg(++serial);
    QStringList problems;
    bool ran = false;
    if (openConnection(name, error)) {
        QSqlQuery q(QSqlDatabase::database(name, false));
        if (q.exec(QStringLiteral("PRAGMA mmap_size=0")) && q.exec(QStringLiteral("PRAGMA quick_check"))) {
            ran = true;
            while (q.next())
                problems << q.value(0).toString();
        } else {
            *error = describe(q.lastError());
        }
    }
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    if (!ran)
        return false;
    if (problems == QStringList{QStringLiteral("ok")})
        return true;
    *error = problems.mid(0, 3).join(QStringLiteral("; "));
    return false;
}

CacheDatabase::Outcome CacheDatabase::tryOpen(QString *error, Check check)
{
    m_open = true; // lets connection() open this thread's connection
    {
        QString message;
        QSqlDatabase db = connection(&message);
        if (!db.isOpen()) {
            *error = message;
            m_open = false;
            // A file that is not a database or whose header is damaged fails the first pragma.
            return message.contains(QLatin1String("not a database")) || message.contains(QLatin1String("malformed"))
                ? Outcome::Damaged : Outcome::Failed;
        }
        QSqlQuery q(db);
        // Deferred: the schema read still fails on a damaged header (the migrator reads it too).
        if (!q.exec(check == Check::Now ? QStringLiteral("PRAGMA quick_check") : QStringLiteral("SELECT 'ok' FROM sqlite_master LIMIT 0"))) {
            *error = describe(q.lastError());
            m_open = false;
            return isDamage(q.lastError()) ? Outcome::Damaged : Outcome::Failed;
        }
        QStringList problems;
        while (q.next())
            problems << q.value(0).toString();
        if (check == Check::Later && problems.isEmpty())
            problems << QStringLiteral("ok");
        if (problems != QStringList{QStringLiteral("ok")}) {
            *error = QStringLiteral("quick_check found: %1").arg(problems.mid(0, 3).join(QStringLiteral("; ")));
            m_open = false;
            return Outcome::Damaged;
        }
        q.finish();
        sql::SqlMigrator migrator(db, QStringLiteral(":/migrations/cache"), sql::SqlDialect::Sqlite);
        if (!migrator.migrate(error)) {
            m_open = false;
            // A cache made from a different schema is rebuilt, not repaired: the server has the data.
            return error->contains(QLatin1String("was changed after it was applied")) ? Outcome::Damaged : Outcome::Failed;
        }
    }
    return Outcome::Ok;
}

bool CacheDatabase::open(QString *error, Check check)
{
    m_rebuilt = false;
    if (!QDir().mkpath(m_dir)) {
        *error = QStringLiteral("cannot create the cache folder %1").arg(m_dir);
        return false;
    }
    if (!m_guard->hold(error))
        return false;
    QString why;
    switch (tryOpen(&why, check)) {
    case Outcome::Ok:
        return true;
    case Outcome::Failed:
        closeThreadConnection();
        *error = QStringLiteral("cannot open the cache %1: %2").arg(m_path, why);
        return false;
    case Outcome::Damaged:
        break;
    }
    closeThreadConnection();
    if (!rebuild(why, error))
        return false;
    QString again;
    if (tryOpen(&again, Check::Now) != Outcome::Ok) {
        closeThreadConnection();
        *error = QStringLiteral("cannot open the rebuilt cache %1: %2").arg(m_path, again);
        return false;
    }
    m_rebuilt = true;
    return true;
}

bool CacheDatabase::rebuild(const QString &why, QString *error)
{
    qCWarning(lcClientCache).noquote() << "the cache" << m_path << "is damaged:" << why;
    const qint64 free = m_guard->freeBytes();
    if (free >= 0 && free < m_minFreeBytes) {
        *error = QStringLiteral("the cache %1 is damaged and cannot be rebuilt: its disk has only %2 MiB free; "
                                "free some space and start again")
                     .arg(m_path).arg(free / (1024 * 1024));
        return false;
    }
    QString who;
    if (m_guard->othersHold(&who) || !m_guard->lockExclusive()) {
        if (who.isEmpty())
            who = QStringLiteral("another Vesper process has it open");
        *error = QStringLiteral("the cache %1 is damaged but %2; close the other program and start again").arg(m_path, who);
        return false;
    }
    // Moved aside, not deleted: kept for a bug report until the next rebuild replaces it. The -wal
    // must go with it, or SQLite would replay it into the new file.
    bool moved = true;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")}) {
        const QString from = m_path + suffix;
        const QString to = brokenPath() + (suffix.isEmpty() ? QString() : QStringLiteral("-") + suffix.mid(1));
        QFile::remove(to);
        if (QFile::exists(from) && !QFile::rename(from, to))
            moved = false;
    }
    m_guard->unlockExclusive();
    if (!moved) {
        *error = QStringLiteral("the cache %1 is damaged and could not be moved aside").arg(m_path);
        return false;
    }
    qCInfo(lcClientCache).noquote() << "moved the damaged cache to" << brokenPath() << "and starting a new one";
    return true;
}

} // namespace vesper::client
