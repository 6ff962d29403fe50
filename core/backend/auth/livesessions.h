#pragma once
// Whether a sign-in session (a refresh-token family, the `session_id` of our access tokens) is
// still live, so logout, reuse detection and account deletion end the access tokens at once
// instead of at their expiry. Answers are cached: an ended session for good, a live one for
// ttlSeconds or until another instance's notice ends it (ttl bounds a lost notice), so a request
// rarely queries.
#include <QHash>
#include <QMutex>
#include <QString>

namespace vesper::backend {

class Database;

class LiveSessions {
public:
    LiveSessions(Database &database, int ttlSeconds);

    /// True while the session has a refresh token that is not revoked (and not deleted).
    bool isLive(const QString &sessionId);
    /// Marks a session ended in this instance's cache (its tokens were just revoked here).
    void ended(const QString &sessionId);
    /// Forgets every cached live session of userId (a global logout or a deleted account).
    void forgetUser(const QString &userId);
    /// Forgets every cached live session (notices of ended ones may have been missed).
    void forgetLive();

private:
    struct Entry {
        bool live = false;
        qint64 checkedMs = 0;
        QString userId;
    };
    Database &m_database;
    const qint64 m_ttlMs;
    QMutex m_mutex;
    QHash<QString, Entry> m_entries;
};

} // namespace vesper::backend
