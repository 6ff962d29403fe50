#include "backend/db/migrator.h"
#include "backend/db/database.h"
#include "backend/db/dberror.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"
#include "common/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>

namespace vesper::backend {
namespace {
QStringList splitStatements(const QString &script)
{
    // Statements end with a semicolon at the end of a line; comment lines are dropped.
    QStringList statements;
    QString current;
    for (const QString &line : script.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QLatin1String("--")) || trimmed.isEmpty())
            continue;
        current += line + QLatin1Char('\n');
        if (trimmed.endsWith(QLatin1Char(';'))) {
            statements << current.trimmed();
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}
} // namespace

Migrator::Migrator(Database &database, QString resourceRoot)
    : m_database(database)
    , m_root(std::move(resourceRoot))
{
}

bool Migrator::migrate(QString *error)
{
    m_applied.clear();
    const QString folder = m_root + (m_database.isSqlite() ? QStringLiteral("/sqlite") : QStringLiteral("/postgres"));
    const QStringList files = QDir(folder).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        *error = QStringLiteral("no migrations found under %1").arg(folder);
        return false;
    }
    static const QRegularExpression namePattern(QStringLiteral("^(\\d{4})_[a-z0-9_]+\\.sql$"));
    try {
        QSqlDatabase db = m_database.connection();
        SqlQuery::run(db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                         "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                         "checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)"));
        // Several server instances may start at once on one PostgreSQL: one migrates, the others wait.
        if (!m_database.isSqlite())
            SqlQuery::run(db, QStringLiteral("SELECT pg_advisory_lock(7465730)"));
        struct Unlock {
            Database &database;
            QSqlDatabase db;
            ~Unlock()
            {
                if (!database.isSqlite())
                    QSqlQuery(db).exec(QStringLiteral("SELECT pg_advisory_unlock(7465730)"));
            }
        } unlock{m_database, db};

        QMap<int, QString> done;
        SqlQuery existing(db, QStringLiteral("SELECT version, checksum FROM schema_migrations"));
        existing.exec();
        while (existing.next())
            done.insert(int(existing.int64(0)), existing.text(1));

        for (const QString &name : files) {
            const auto match = namePattern.match(name);
            if (!match.hasMatch()) {
                *error = QStringLiteral("migration file %1 is not named NNNN_name.sql").arg(name);
                return false;
            }
            const int version = match.captured(1).toInt();
            QFile file(folder + QLatin1Char('/') + name);
            if (!file.open(QIODevice::ReadOnly)) {
                *error = QStringLiteral("cannot read migration %1").arg(name);
                return false;
            }
            const QByteArray script = file.readAll();
            const QString checksum = QString::fromLatin1(QCryptographicHash::hash(script, QCryptographicHash::Sha256).toHex());
            if (done.contains(version)) {
                if (done.value(version) != checksum) {
                    *error = QStringLiteral("migration %1 was changed after it was applied (checksum %2, recorded %3); "
                                            "restore the file or add a new migration instead")
                                 .arg(name, checksum.left(12), done.value(version).left(12));
                    return false;
                }
                continue;
            }
            Transaction tx(m_database, db);
            for (const QString &statement : splitStatements(QString::fromUtf8(script))) {
                try {
                    SqlQuery::run(db, statement);
                } catch (const DbError &e) {
                    *error = QStringLiteral("migration %1 failed: %2").arg(name, e.message());
                    return false;
                }
            }
            SqlQuery record(db, QStringLiteral("INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                                               "VALUES (:v, :n, :c, :t)"));
            record.bind(QStringLiteral(":v"), version).bind(QStringLiteral(":n"), name)
                .bind(QStringLiteral(":c"), checksum).bind(QStringLiteral(":t"), nowMicros()).exec();
            tx.commit();
            m_applied << name;
            qCInfo(lcDb).noquote() << "applied migration" << name;
        }
    } catch (const DbError &e) {
        *error = e.message();
        return false;
    }
    return true;
}

} // namespace vesper::backend
