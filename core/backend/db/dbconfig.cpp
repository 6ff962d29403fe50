#include "backend/db/dbconfig.h"

#include <QUrl>
#include <QUrlQuery>

namespace vesper::backend {

std::optional<DbConfig> DbConfig::parse(const QString &text, QString *error)
{
    DbConfig config;
    if (text.startsWith(QLatin1String("sqlite:"))) {
        config.dialect = Dialect::Sqlite;
        config.sqlitePath = text.mid(7);
        if (config.sqlitePath.startsWith(QLatin1String("//")))
            config.sqlitePath = config.sqlitePath.mid(2);
        if (config.sqlitePath.isEmpty()) {
            *error = QStringLiteral("VESPER_DB: sqlite: needs a file path, e.g. sqlite:/var/lib/vesper/vesper.db");
            return std::nullopt;
        }
        return config;
    }
    if (text.startsWith(QLatin1String("postgres://")) || text.startsWith(QLatin1String("postgresql://"))) {
        const QUrl url(text, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || url.path().size() < 2) {
            *error = QStringLiteral("VESPER_DB: not a valid postgres URL (postgres://user:password@host:port/database)");
            return std::nullopt;
        }
        config.dialect = Dialect::Postgres;
        config.host = url.host();
        config.port = url.port(5432);
        config.user = url.userName(QUrl::FullyDecoded);
        config.password = url.password(QUrl::FullyDecoded);
        config.database = url.path().mid(1);
        const QUrlQuery query(url);
        QStringList options;
        for (const auto &item : query.queryItems(QUrl::FullyDecoded))
            options << item.first + QLatin1Char('=') + item.second;
        config.options = options.join(QLatin1Char(';'));
        return config;
    }
    *error = QStringLiteral("VESPER_DB: expected sqlite:PATH or postgres://..., got \"%1\"").arg(text.left(40));
    return std::nullopt;
}

QString DbConfig::redacted() const
{
    if (dialect == Dialect::Sqlite)
        return QStringLiteral("sqlite:") + sqlitePath;
    return QStringLiteral("postgres://%1@%2:%3/%4").arg(user, host).arg(port).arg(database);
}

} // namespace vesper::backend
