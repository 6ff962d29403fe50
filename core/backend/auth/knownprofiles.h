#pragma once
// Users whose tokens were issued elsewhere — a Supabase project sharing our JWT secret — have no
// profile here until they first call the API. The first valid token of such a user creates one
// from its claims (id = sub, email), so the project's sessions work against this server as is.
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>

namespace vesper::backend {

class Database;

class KnownProfiles {
public:
    /// True when a profile with userId exists (creating it from claims if needed); checks the
    /// database once per user per process.
    bool ensure(Database &database, const QString &userId, const QJsonObject &claims, qint64 credits);

private:
    QMutex m_mutex;
    QSet<QString> m_known;
};

} // namespace vesper::backend
