#pragma once
// Applies the numbered migrations shipped in the binary (migrations/backend/<dialect>/NNNN_name.sql)
// through the shared SqlMigrator (common/sql), on this backend's connection and behind its write gate,
// in order, each in its own transaction, recording its checksum. An applied migration whose file
// changed since is refused: the database and the code disagree, and guessing would lose data.
#include <QString>
#include <QStringList>

namespace vesper::backend {

class Database;

class Migrator {
public:
    explicit Migrator(Database &database, QString resourceRoot = QStringLiteral(":/migrations/backend"));

    /// Brings the schema up to date. Returns false with one readable line in error.
    bool migrate(QString *error);
    /// Names of the migrations this call applied.
    QStringList applied() const { return m_applied; }

private:
    Database &m_database;
    QString m_root;
    QStringList m_applied;
};

} // namespace vesper::backend
