#include "client/tracking/generationtracker.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"

#include <QMetaObject>
#include <QThread>
#include <QThreadPool>

namespace vesper::client {

namespace {
constexpr int kMaxIntervalMs = 30000;
}

GenerationTracker::GenerationTracker(ApiClient &api, CacheStore &cache, QThreadPool *pool, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(cache)
    , m_pool(pool ? pool : QThreadPool::globalInstance())
{
    qRegisterMetaType<vesper::client::CacheChanges>();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &GenerationTracker::poll);
}

GenerationTracker::~GenerationTracker()
{
    stop();
}

void GenerationTracker::track(const QStringList &generationIds)
{
    {
        QMutexLocker locker(&m_lock);
        for (const QString &id : generationIds)
            m_ids.insert(id);
    }
    m_stopped = false;
    if (m_streamed) {
        // The stream may have brought the end before the ids were followed: the cache has it.
        for (const QString &id : generationIds) {
            if (const std::optional<Generation> g = m_cache.generation(id); g && g->isFinished())
                report(*g);
        }
    }
    QMetaObject::invokeMethod(this, [this] {
        if (!m_streamed && !m_polling && !m_timer.isActive())
            m_timer.start(0); // the first answer as soon as possible, then every interval
    });
}

void GenerationTracker::resume()
{
    QStringList ids;
    for (const Generation &g : m_cache.inFlightGenerations())
        ids.append(g.id);
    if (!ids.isEmpty()) {
        qCInfo(lcClientTracker) << "resuming" << ids.size() << "generations found in flight in the cache";
        track(ids);
    }
}

void GenerationTracker::stop()
{
    m_stopped = true;
    m_timer.stop();
    while (m_inPool) // the task never waits for this thread, so this ends
        QThread::msleep(5);
}

QSet<QString> GenerationTracker::inFlight() const
{
    QMutexLocker locker(&m_lock);
    return m_ids;
}

void GenerationTracker::setStreamed(bool streamed)
{
    if (m_streamed.exchange(streamed) == streamed)
        return;
    QMetaObject::invokeMethod(this, [this, streamed] {
        if (streamed) {
            m_timer.stop(); // a poll already running ends and schedules nothing
        } else if (!m_stopped && !m_polling) {
            // What the stream did not bring before it ended, a poll brings now.
            m_intervalMs = m_baseMs;
            m_timer.start(0);
        }
    });
}

bool GenerationTracker::report(const Generation &g)
{
    const QString status = generationStatusName(g.status);
    const QPair<int, QString> now(int(g.progress), status);
    bool moved = false;
    bool done = false;
    {
        QMutexLocker locker(&m_lock);
        if (!m_ids.contains(g.id))
            return false; // not followed, or already reported finished by the other path
        moved = m_last.value(g.id) != now;
        m_last.insert(g.id, now);
        if (g.isFinished()) {
            m_ids.remove(g.id);
            m_last.remove(g.id);
            done = true;
        }
    }
    if (moved)
        Q_EMIT progressed(g.id, int(g.progress), g.progressIsEstimate, status);
    if (done) {
        Q_EMIT finished(g.id, status);
        if (m_streamed && inFlight().isEmpty())
            Q_EMIT idle(); // polling says so after its last poll; the stream says so here
    }
    return done;
}

void GenerationTracker::noteChanges(const CacheChanges &changes)
{
    QStringList followed;
    {
        QMutexLocker locker(&m_lock);
        for (const QString &id : changes.generations) {
            if (m_ids.contains(id))
                followed.append(id);
        }
        for (const QString &id : changes.removedGenerations) { // deleted, or no longer visible
            m_ids.remove(id);
            m_last.remove(id);
        }
    }
    for (const QString &id : std::as_const(followed)) {
        if (const std::optional<Generation> g = m_cache.generation(id))
            report(*g);
    }
}

void GenerationTracker::noteProgress(const QString &generationId, int progress, bool isEstimate)
{
    {
        QMutexLocker locker(&m_lock);
        if (!m_ids.contains(generationId))
            return;
        const QPair<int, QString> now(progress, generationStatusName(GenerationStatus::Processing));
        if (m_last.value(generationId) == now)
            return;
        m_last.insert(generationId, now);
    }
    Q_EMIT progressed(generationId, progress, isEstimate, generationStatusName(GenerationStatus::Processing));
}

void GenerationTracker::schedule()
{
    if (m_stopped || m_streamed)
        return;
    if (inFlight().isEmpty()) {
        m_intervalMs = m_baseMs;
        Q_EMIT idle();
        return;
    }
    m_timer.start(m_intervalMs);
}

void GenerationTracker::poll()
{
    if (m_stopped || m_streamed || m_polling.exchange(true))
        return;
    const QStringList ids = inFlight().values();
    if (ids.isEmpty()) {
        m_polling = false;
        schedule();
        return;
    }
    m_inPool = true;
    ++m_polls;
    m_pool->start([this, ids] {
        const ApiResult<QList<Generation>> result = m_api.generationStatus(ids);
        QString message;
        bool ok = result.ok();
        if (ok) {
            CacheChanges changes;
            QString error;
            if (!m_cache.updateGenerations(result.value, &changes, &error)) {
                ok = false;
                message = error;
            } else {
                QSet<QString> answered;
                for (const Generation &g : result.value) {
                    answered.insert(g.id);
                    report(g);
                }
                // Ids the server no longer knows (deleted, or never visible to us) stop being followed.
                QMutexLocker locker(&m_lock);
                for (const QString &id : ids) {
                    if (!answered.contains(id))
                        m_ids.remove(id);
                }
                locker.unlock();
                if (!changes.isEmpty())
                    Q_EMIT changed(changes);
            }
        } else {
            message = result.error.message;
        }
        QMetaObject::invokeMethod(this, [this, ok, message] { pollDone(ok, message); });
        m_inPool = false;
    });
}

void GenerationTracker::pollDone(bool ok, const QString &message)
{
    m_polling = false;
    if (ok) {
        m_intervalMs = m_baseMs;
    } else {
        m_intervalMs = qMin(m_intervalMs * 2, kMaxIntervalMs);
        qCWarning(lcClientTracker) << "status poll failed, next in" << m_intervalMs << "ms:" << message;
        Q_EMIT pollFailed(message);
    }
    schedule();
}

} // namespace vesper::client
