#include "backend/auth/knownprofiles.h"
#include "backend/auth/passwordhasher.h"
#include "backend/db/dberror.h"
#include "backend/repositories/profilerepository.h"
#include "common/logging.h"
#include "common/uuid.h"
#include "domain/textrules.h"

#include <QDeadlineTimer>

namespace vesper::backend {
namespace {
constexpr int kMaxEntries = 100000; // then the cache starts over: a bound, not an eviction policy

qint64 monotonicMs()
{
    return QDeadlineTimer::current().deadline();
}
} // namespace

KnownProfiles::KnownProfiles(int ttlSeconds)
    : m_ttlMs(qint64(ttlSeconds) * 1000)
{
}

bool KnownProfiles::ensure(Database &database, const QString &userId, const QJsonObject &claims, qint64 credits, bool mayCreate)
{
    const qint64 now = monotonicMs();
    {
        QMutexLocker lock(&m_mutex);
        const auto found = m_known.constFind(userId);
        if (found != m_known.constEnd() && now - *found < m_ttlMs)
            return true;
    }
    ProfileRepository profiles(database);
    if (!profiles.findById(userId)) {
        if (!mayCreate)
            return false;
        if (!isUuid(userId))
            return false;
        // The issuer's address is this profile's identity (invitations find it): stored normalized and
        // under the rule of our own sign-up, else no profile (there is nothing to put in its place).
        const std::optional<QString> email = credentials::normalizeEmail(claims.value(QStringLiteral("email")).toString());
        if (!email || email->size() > credentials::kMaxEmailLength)
            return false;
        if (const QString problem = textrules::emailProblem(*email); !problem.isEmpty()) {
            qCWarning(lcAuth).noquote() << "no profile for externally authenticated user" << userId << "- its email" << problem;
            return false;
        }
        // The name is only shown: one that breaks the name rule is replaced by the default one
        // (the address's local part) instead of turning the user away.
        const QJsonObject metadata = claims.value(QStringLiteral("user_metadata")).toObject();
        QString name = metadata.value(QStringLiteral("display_name")).toString().trimmed().left(credentials::kMaxDisplayNameLength);
        if (const QString problem = textrules::nameProblem(name); !problem.isEmpty()) {
            qCInfo(lcAuth).noquote() << "replaced the display name of externally authenticated user" << userId << "- it" << problem;
            name.clear();
        }
        if (name.isEmpty())
            name = credentials::defaultDisplayName(*email);
        try {
            profiles.createWithId(userId.toLower(), *email, name, QString(), credits);
            qCInfo(lcAuth).noquote() << "created the profile of externally authenticated user" << userId;
        } catch (const DbError &) {
            // A concurrent first request created it, or the email belongs to another profile.
            if (!profiles.findById(userId))
                return false;
        }
    }
    QMutexLocker lock(&m_mutex);
    if (m_known.size() >= kMaxEntries)
        m_known.clear();
    m_known.insert(userId, now);
    return true;
}

void KnownProfiles::forget(const QString &userId)
{
    QMutexLocker lock(&m_mutex);
    m_known.remove(userId);
}

void KnownProfiles::forgetAll()
{
    QMutexLocker lock(&m_mutex);
    m_known.clear();
}

} // namespace vesper::backend
