#pragma once
// Users whose tokens were issued elsewhere — the external issuer the settings name, a Supabase
// project — have no profile here until they first call the API. The first valid token of such a
// user creates one from its claims (id = sub, email). Tokens this server issued never create one:
// their profile exists or the user is gone (a deleted account's token must not bring it back).
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <QString>

namespace vesper::backend {

class Database;

class KnownProfiles {
public:
    /// True when a profile with userId exists, creating it from claims first when mayCreate (the
    /// token came from the external issuer); checks the database once per user per process.
    bool ensure(Database &database, const QString &userId, const QJsonObject &claims, qint64 credits, bool mayCreate);
    /// Forgets userId (their profile was deleted), so the next token is checked again.
    void forget(const QString &userId);

private:
    QMutex m_mutex;
    QSet<QString> m_known;
};

} // namespace vesper::backend
