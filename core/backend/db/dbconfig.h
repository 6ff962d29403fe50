#pragma once
// Where the backend keeps its rows: `sqlite:PATH` or a `postgres://user:pass@host:port/db` URL.
#include <QString>
#include <optional>

namespace vesper::backend {

enum class Dialect { Sqlite, Postgres };

struct DbConfig {
    Dialect dialect = Dialect::Sqlite;
    QString sqlitePath;
    QString host;
    int port = 5432;
    QString user;
    QString password;
    QString database;
    QString options; // libpq connect options, e.g. sslmode

    /// Parses VESPER_DB syntax; on failure returns nullopt and sets error to one readable line.
    static std::optional<DbConfig> parse(const QString &text, QString *error);
    /// The URL without its password, for logs and messages.
    QString redacted() const;
};

} // namespace vesper::backend
