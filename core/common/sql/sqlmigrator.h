#pragma once
// Applies numbered migrations (NNNN_name.sql in one folder, usually a Qt resource) to a QSqlDatabase
// in order, each in its own transaction, recording its checksum. Shared by the backend's database and
// the client's cache so both follow one rule: an applied migration whose file changed is refused.
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>

namespace vesper::sql {

enum class SqlDialect { Sqlite, Postgres };

class SqlMigrator {
public:
    /// Held for the length of each migration's transaction (the backend's write gate); may be empty.
    using WriteGuard = std::function<std::shared_ptr<void>()>;

    /// folder holds this dialect's NNNN_name.sql files, e.g. ":/migrations/cache".
    SqlMigrator(QSqlDatabase db, QString folder, SqlDialect dialect, WriteGuard guard = {});

    /// Brings the schema up to date. Returns false with one readable line in error.
    bool migrate(QString *error);
    /// Names of the migrations the last migrate() applied.
    QStringList applied() const { return m_applied; }

    /// The statements of a script: each ends with ';' at the end of a line (a CREATE TRIGGER runs
    /// to its "END;"); comment and blank lines are dropped.
    static QStringList splitStatements(const QString &script);

private:
    bool applyOne(const QString &name, int version, const QByteArray &script, const QString &checksum, QString *error);

    QSqlDatabase m_db;
    QString m_folder;
    SqlDialect m_dialect;
    WriteGuard m_guard;
    QStringList m_applied;
};

} // namespace vesper::sql
