#include "backend/auth/knownprofiles.h"
#include "backend/db/dberror.h"
#include "backend/repositories/profilerepository.h"
#include "common/logging.h"
#include "common/uuid.h"

namespace vesper::backend {

bool KnownProfiles::ensure(Database &database, const QString &userId, const QJsonObject &claims, qint64 credits, bool mayCreate)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_known.contains(userId))
            return true;
    }
    ProfileRepository profiles(database);
    if (!profiles.findById(userId)) {
        if (!mayCreate)
            return false;
        const QString email = claims.value(QStringLiteral("email")).toString().trimmed();
        if (!isUuid(userId) || email.isEmpty() || email.size() > 254)
            return false;
        const QJsonObject metadata = claims.value(QStringLiteral("user_metadata")).toObject();
        QString name = metadata.value(QStringLiteral("display_name")).toString();
        if (name.isEmpty())
            name = email.section(QLatin1Char('@'), 0, 0);
        try {
            profiles.createWithId(userId.toLower(), email, name.left(100), QString(), credits);
            qCInfo(lcAuth).noquote() << "created the profile of externally authenticated user" << userId;
        } catch (const DbError &) {
            // A concurrent first request created it, or the email belongs to another profile.
            if (!profiles.findById(userId))
                return false;
        }
    }
    QMutexLocker lock(&m_mutex);
    m_known.insert(userId);
    return true;
}

void KnownProfiles::forget(const QString &userId)
{
    QMutexLocker lock(&m_mutex);
    m_known.remove(userId);
}

} // namespace vesper::backend
