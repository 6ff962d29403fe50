#include "backend/auth/livesessions.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"

#include <QDeadlineTimer>

namespace vesper::backend {
namespace {
constexpr int kMaxEntries = 100000; // then the cache starts over: a bound, not an eviction policy

qint64 monotonicMs()
{
    return QDeadlineTimer::current().deadline();
}
} // namespace

LiveSessions::LiveSessions(Database &database, int ttlSeconds)
    : m_database(database)
    , m_ttlMs(qint64(ttlSeconds) * 1000)
{
}

bool LiveSessions::isLive(const QString &sessionId)
{
    const qint64 now = monotonicMs();
    {
        QMutexLocker lock(&m_mutex);
        const auto found = m_entries.constFind(sessionId);
        if (found != m_entries.constEnd() && (!found->live || now - found->checkedMs < m_ttlMs))
            return found->live;
    }
    // Through refresh_tokens_family; a family has a handful of rows (its rotations in the idle window).
    SqlQuery q(m_database.connection(),
               QStringLiteral("SELECT user_id FROM refresh_tokens WHERE family_id = :f AND revoked_at IS NULL LIMIT 1"));
    q.bind(QStringLiteral(":f"), sessionId).exec();
    const bool live = q.next();
    const QString userId = live ? q.text(0) : QString();
    QMutexLocker lock(&m_mutex);
    if (m_entries.size() >= kMaxEntries)
        m_entries.clear();
    m_entries.insert(sessionId, Entry{live, now, userId});
    return live;
}

void LiveSessions::ended(const QString &sessionId)
{
    QMutexLocker lock(&m_mutex);
    m_entries.insert(sessionId, Entry{false, monotonicMs(), QString()});
}

void LiveSessions::forgetUser(const QString &userId)
{
    QMutexLocker lock(&m_mutex);
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        if (it->live && it->userId == userId)
            it = m_entries.erase(it);
        else
            ++it;
    }
}

void LiveSessions::forgetLive()
{
    QMutexLocker lock(&m_mutex);
    for (auto it = m_entries.begin(); it != m_entries.end();)
        it = it->live ? m_entries.erase(it) : std::next(it);
}

} // namespace vesper::backend
