#include "backend/auth/sessionsweeper.h"
#include "backend/auth/refreshtokens.h"
#include "backend/db/advisorylock.h"
#include "backend/db/database.h"
#include "backend/repositories/sharedratelimits.h"
#include "backend/repositories/idempotencystore.h"
#include "backend/repositories/uploadsweep.h"
#include "backend/db/dberror.h"
#include "backend/config/backendsettings.h"
#include "common/clock.h"
#include "common/logging.h"

namespace vesper::backend {

SessionSweeper::SessionSweeper(Database &database, const BackendSettings &config)
    : m_database(database)
    , m_config(config)
{
    m_timer.setInterval(std::chrono::seconds(qMax(1, config.sweepIntervalSeconds)));
    QObject::connect(&m_timer, &QTimer::timeout, [this] { sweepOnce(); });
}

void SessionSweeper::start()
{
    sweepOnce();
    m_timer.start();
}

int SessionSweeper::sweepOnce()
{
    // Several instances on one PostgreSQL: whichever takes the lock sweeps for all; the others skip
    // this round (their timers keep going, so a stopped instance leaves no gap longer than a round).
    const AdvisoryLock lock = AdvisoryLock::tryTake(m_database, QStringLiteral("vesper.sweep"));
    if (!lock.held())
        return 0;
    try {
        // Idempotency-Key answers past their retention go in the same hourly round, and on
        // PostgreSQL the shared rate-limit buckets that have filled up again.
        const qint64 now = nowMicros();
        if (!m_database.isSqlite())
            SharedRateLimitStore::sweep(m_database);
        IdempotencyStore(m_database).prune(now - qint64(m_config.idempotencyKeyHours) * 3600 * 1000000);
        RefreshTokenStore store(m_database, m_config.refreshReuseSeconds, m_config.sessionIdleDays);
        const int deleted = store.deleteExpired(now);
        sweepUploads(now);
        if (deleted > 0)
            qCInfo(lcAuth) << "deleted" << deleted << "refresh tokens of sessions idle for" << m_config.sessionIdleDays << "days";
        return deleted;
    } catch (const DbError &error) {
        // A busy or unreachable database only delays the sweep to the next hour.
        qCWarning(lcAuth).noquote() << "refresh token sweep failed:" << error.what();
        return -1;
    }
}

void SessionSweeper::sweepUploads(qint64 now)
{
    if (m_config.uploadUnusedSeconds <= 0)
        return;
    try {
        const int removed = UploadSweep(m_database, m_config.storagePath).run(now - m_config.uploadUnusedSeconds * 1000000);
        if (removed > 0)
            qCInfo(lcAuth) << "deleted" << removed << "uploads no generation used in" << m_config.uploadUnusedSeconds << "seconds";
    } catch (const DbError &error) {
        qCWarning(lcAuth).noquote() << "upload sweep failed:" << error.what();
    }
}

} // namespace vesper::backend
