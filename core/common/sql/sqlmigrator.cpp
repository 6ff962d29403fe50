#include "common/sql/sqlmigrator.h"
#include "common/clock.h"
#include "common/logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QMap>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace vesper::sql {
namespace {
constexpr int kAdvisoryLock = 7465730;

bool run(QSqlDatabase &db, const QString &sql, QString *error)
{
    QSqlQuery q(db);
    if (q.exec(sql))
        return true;
    *error = q.lastError().text();
    return false;
}
} // namespace

QStringList SqlMigrator::splitStatements(const QString &script)
{
    static const QRegularExpression triggerStart(QStringLiteral("^\\s*CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"),
                                                 QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression triggerEnd(QStringLiteral("\\bEND\\s*;$"), QRegularExpression::CaseInsensitiveOption);
    QStringList statements;
    QString current;
    bool inTrigger = false;
    for (const QString &line : script.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (trimmed.startsWith(QLatin1String("--")) || trimmed.isEmpty())
            continue;
        if (current.isEmpty())
            inTrigger = triggerStart.match(trimmed).hasMatch();
        current += line + QLatin1Char('\n');
        const bool ends = inTrigger ? triggerEnd.match(trimmed).hasMatch() : trimmed.endsWith(QLatin1Char(';'));
        if (ends) {
            statements << current.trimmed();
            current.clear();
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

SqlMigrator::SqlMigrator(QSqlDatabase db, QString folder, SqlDialect dialect, WriteGuard guard)
    : m_db(std::move(db))
    , m_folder(std::move(folder))
    , m_dialect(dialect)
    , m_guard(std::move(guard))
{
}

bool SqlMigrator::migrate(QString *error)
{
    m_applied.clear();
    const QStringList files = QDir(m_folder).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    if (files.isEmpty()) {
        *error = QStringLiteral("no migrations found under %1").arg(m_folder);
        return false;
    }
    static const QRegularExpression namePattern(QStringLiteral("^(\\d{4})_[a-z0-9_]+\\.sql$"));
    // Several server instances may start at once on one PostgreSQL: one migrates, the others wait.
    // The lock comes first: two CREATE TABLE IF NOT EXISTS at once can both try to create it (and
    // one fail on the catalog's unique index). Instances already serving are not touched: only
    // starting ones wait here, for as long as the migrations take.
    const bool postgres = m_dialect == SqlDialect::Postgres;
    if (postgres && !run(m_db, QStringLiteral("SELECT pg_advisory_lock(%1)").arg(kAdvisoryLock), error))
        return false;
    struct Unlock {
        QSqlDatabase db;
        bool postgres;
        ~Unlock()
        {
            if (postgres)
                QSqlQuery(db).exec(QStringLiteral("SELECT pg_advisory_unlock(%1)").arg(kAdvisoryLock));
        }
    } unlock{m_db, postgres};

    if (!run(m_db, QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                  "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                                  "checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)"),
             error))
        return false;

    QMap<int, QString> done;
    QSqlQuery existing(m_db);
    if (!existing.exec(QStringLiteral("SELECT version, checksum FROM schema_migrations"))) {
        *error = existing.lastError().text();
        return false;
    }
    while (existing.next())
        done.insert(existing.value(0).toInt(), existing.value(1).toString());
    existing.finish();

    for (const QString &name : files) {
        const auto match = namePattern.match(name);
        if (!match.hasMatch()) {
            *error = QStringLiteral("migration file %1 is not named NNNN_name.sql").arg(name);
            return false;
        }
        const int version = match.captured(1).toInt();
        QFile file(m_folder + QLatin1Char('/') + name);
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
        if (!applyOne(name, version, script, checksum, error))
            return false;
        m_applied << name;
        qCInfo(lcDb).noquote() << "applied migration" << name;
    }
    return true;
}

bool SqlMigrator::applyOne(const QString &name, int version, const QByteArray &script, const QString &checksum, QString *error)
{
    const std::shared_ptr<void> gate = m_guard ? m_guard() : nullptr;
    if (!run(m_db, m_dialect == SqlDialect::Sqlite ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN"), error))
        return false;
    auto rollback = [this] { QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK")); };
    for (const QString &statement : splitStatements(QString::fromUtf8(script))) {
        QString message;
        if (!run(m_db, statement, &message)) {
            rollback();
            *error = QStringLiteral("migration %1 failed: %2").arg(name, message);
            return false;
        }
    }
    QSqlQuery record(m_db);
    record.prepare(QStringLiteral("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)"));
    record.addBindValue(version);
    record.addBindValue(name);
    record.addBindValue(checksum);
    record.addBindValue(nowMicros());
    if (!record.exec()) {
        *error = record.lastError().text();
        rollback();
        return false;
    }
    if (!run(m_db, QStringLiteral("COMMIT"), error)) {
        rollback();
        return false;
    }
    return true;
}

} // namespace vesper::sql
