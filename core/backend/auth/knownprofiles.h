#pragma once
// Users whose tokens were issued elsewhere — the external issuer the settings name, a Supabase
// project — have no profile here until they first call the API. The first valid token of such a
// user creates one from its claims (id = sub, email). Tokens this server issued never create one:
// their profile exists or the user is gone (a deleted account's token must not bring it back).
// A profile found is remembered for ttlSeconds (VESPER_SESSION_CHECK_SECONDS), or until a deletion
// notice from any instance; ttl bounds how long a lost notice lets a deleted account pass here.
#include <QJsonObject>
#include <QMutex>
#include <QHash>
#include <QString>

namespace vesper::backend {

class Database;

class KnownProfiles {
public:
    explicit KnownProfiles(int ttlSeconds);

    /// True when a profile with userId exists, creating it from claims first when mayCreate (the
    /// token came from the external issuer); checks the database once per user per ttl.
    bool ensure(Database &database, const QString &userId, const QJsonObject &claims, qint64 credits, bool mayCreate);
    /// Forgets userId (their profile was deleted), so the next token is checked again.
    void forget(const QString &userId);
    /// Forgets every user (notices of deleted profiles may have been missed).
    void forgetAll();

private:
    const qint64 m_ttlMs;
    QMutex m_mutex;
    QHash<QString, qint64> m_known; // userId -> when its profile was last seen (ms, monotonic)
};

} // namespace vesper::backend
