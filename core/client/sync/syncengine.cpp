#include "client/sync/syncengine.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"
#include "client/sync/livechanges.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QtConcurrent/QtConcurrentRun>
#include <QJsonArray>
#include <QThreadPool>

namespace vesper::client {

namespace {
constexpr int kPageSize = 1000;
}

SyncEngine::SyncEngine(ApiClient &api, CacheStore &cache, QObject *parent)
    : QObject(parent)
    , m_api(api)
    , m_cache(cache)
{
    qRegisterMetaType<vesper::client::CacheChanges>();
    qRegisterMetaType<vesper::client::SyncReport>();
    m_pool.setMaxThreadCount(1);
    m_fetchPool.setMaxThreadCount(1);
    m_fetchPool.setExpiryTimeout(-1); // keep the thread, and with it its connection to the server
    connect(&m_timer, &QTimer::timeout, this, &SyncEngine::requestSync);
}

SyncEngine::~SyncEngine()
{
    shutdown();
}

void SyncEngine::setInterval(int intervalMs)
{
    if (intervalMs <= 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(intervalMs);
}

void SyncEngine::shutdown()
{
    m_stopping = true;
    if (m_liveChanges)
        m_liveChanges->stop();
    m_timer.stop();
    m_pool.clear();       // a pass not started yet never starts
    m_pool.waitForDone(); // one in progress ends after its page
}

void SyncEngine::setLive(bool enabled, int readIdleSeconds)
{
    if (m_liveChanges) {
        m_liveChanges->stop();
        m_liveChanges.reset();
    }
    if (!enabled || m_stopping)
        return;
    LiveChanges::Hooks hooks;
    hooks.position = [this] { return m_cache.syncPosition(); };
    hooks.applyPage = [this](const QString &from, const QJsonObject &page, const QString &next) { return applyLivePage(from, page, next); };
    hooks.progress = [this](const QString &id, int progress, bool isEstimate) {
        CacheChanges changed;
        QString error;
        if (!m_cache.updateProgress(id, progress, isEstimate, &changed, &error)) {
            qCWarning(lcClientSync) << "a pushed progress tick was not stored:" << error;
            return;
        }
        if (!changed.isEmpty())
            Q_EMIT this->changed(changed);
        Q_EMIT generationProgress(id, progress, isEstimate);
    };
    hooks.liveChanged = [this](bool live) {
        m_live = live;
        Q_EMIT liveChanged(live);
        if (!live)
            requestSync(); // whatever the stream did not bring, a pass brings
    };
    m_liveChanges = std::make_unique<LiveChanges>(m_api, std::move(hooks), readIdleSeconds);
    m_liveChanges->start();
}

int SyncEngine::liveConnections() const
{
    return m_liveChanges ? m_liveChanges->connections() : 0;
}

bool SyncEngine::applyLivePage(const QString &from, const QJsonObject &page, const QString &next)
{
    QMutexLocker locker(&m_runLock);
    if (!m_cache.profile())
        return false; // not bootstrapped yet: a pass does that first
    QString position = m_cache.syncPosition();
    if (position.isEmpty())
        position = QStringLiteral("0");
    if (position != from)
        return false; // a pass moved the cache: the stream starts again from there
    const QJsonValue changesValue = page.value(QStringLiteral("changes"));
    if (!changesValue.isArray())
        return false;
    const QJsonArray changes = changesValue.toArray();
    CacheChanges changed;
    QString error;
    if (!m_cache.applyChangesPage(changes, next, &changed, &error)) {
        qCWarning(lcClientSync) << "the local cache refused a pushed page:" << error;
        return false;
    }
    if (!changed.isEmpty())
        Q_EMIT this->changed(changed);
    Q_EMIT progress(1, int(changes.size()), false);
    return true;
}

void SyncEngine::requestSync()
{
    if (m_stopping || m_live)
        return; // live: the stream brings every change as it commits
    if (m_running || m_scheduled.exchange(true)) {
        m_again = true; // the running pass goes round once more and picks up the new write
        return;
    }
    m_pool.start([this] { runPass(); });
}

void SyncEngine::runPass()
{
    if (m_stopping)
        return;
    do {
        m_again = false;
        m_scheduled = false;
        const SyncReport report = syncNow([this] { return m_stopping.load(); });
        if (!report.ok())
            break; // offline or refused: the timer or the network coming back tries again
    } while (m_again.exchange(false) && !m_stopping);
    m_scheduled = false;
}

SyncReport SyncEngine::syncNow(const std::function<bool()> &cancelled)
{
    QMutexLocker locker(&m_runLock);
    m_running = true;
    Q_EMIT started();
    SyncReport report;
    QElapsedTimer timer;
    timer.start();

    QString position = m_cache.syncPosition();
    if (position.isEmpty())
        position = QStringLiteral("0");
    if (!m_cache.profile()) {
        // First run on this cache: profile, models and limits in one round trip, then the feed from 0.
        const ApiResult<QJsonObject> boot = m_api.bootstrap();
        if (!boot.ok()) {
            report.error = boot.error;
        } else {
            QString error;
            if (!m_cache.applyBootstrap(boot.value, &error))
                report.error = ApiError::badResponse(QStringLiteral("the local cache refused the bootstrap: ") + error);
            report.bootstrapped = true;
        }
    }

    bool more = report.ok();
    // Pages are fetched one ahead: page n+1 crosses the network while page n is written, so a cold
    // sync costs about the slower of the two instead of their sum.
    const auto fetch = [this](const QString &since) { return m_api.changes(since, kPageSize); };
    QFuture<ApiResult<QJsonObject>> ahead;
    if (more)
        ahead = QtConcurrent::run(&m_fetchPool, fetch, position);
    while (more && !(cancelled && cancelled())) {
        const ApiResult<QJsonObject> page = ahead.result();
        ahead = {};
        if (!page.ok()) {
            report.error = page.error;
            break;
        }
        const QJsonValue changesValue = page.value.value(QStringLiteral("changes"));
        const QJsonValue next = page.value.value(QStringLiteral("nextSince"));
        if (!changesValue.isArray() || !(next.isString() || next.isDouble())) {
            report.error = ApiError::badResponse(QStringLiteral("the server's change feed page is malformed (no changes or nextSince)"));
            break;
        }
        const QString nextPosition = next.isString() ? next.toString() : QString::number(qint64(next.toDouble()));
        const bool hasMore = page.value.value(QStringLiteral("hasMore")).toBool();
        if (hasMore && !(cancelled && cancelled()))
            ahead = QtConcurrent::run(&m_fetchPool, fetch, nextPosition);
        const QJsonArray changes = changesValue.toArray();
        CacheChanges changed;
        QString error;
        if (!m_cache.applyChangesPage(changes, nextPosition, &changed, &error)) {
            // The cache refused the page (a feed going backwards, a bad row): it is left as it was.
            report.error = ApiError::badResponse(error);
            break;
        }
        position = nextPosition;
        ++report.pages;
        report.changes += int(changes.size());
        more = hasMore;
        if (!changed.isEmpty())
            Q_EMIT this->changed(changed);
        Q_EMIT progress(report.pages, report.changes, more);
    }
    if (ahead.isValid())
        ahead.waitForFinished(); // a page fetched ahead of an error is dropped, not applied
    report.position = position;
    qCInfo(lcClientSync) << "sync:" << report.pages << "pages," << report.changes << "changes in" << timer.elapsed()
                         << "ms;" << (report.ok() ? QStringLiteral("caught up") : report.error.message);
    m_running = false;
    Q_EMIT finished(report);
    return report;
}

} // namespace vesper::client
