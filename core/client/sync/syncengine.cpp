#include "client/sync/syncengine.h"
#include "client/clientlogging.h"
#include "client/net/apiclient.h"

#include <QElapsedTimer>
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
    m_timer.stop();
    m_pool.clear();       // a pass not started yet never starts
    m_pool.waitForDone(); // one in progress ends after its page
}

void SyncEngine::requestSync()
{
    if (m_stopping)
        return;
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
    while (more && !(cancelled && cancelled())) {
        const ApiResult<QJsonObject> page = m_api.changes(position, kPageSize);
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
        more = page.value.value(QStringLiteral("hasMore")).toBool();
        if (!changed.isEmpty())
            Q_EMIT this->changed(changed);
        Q_EMIT progress(report.pages, report.changes, more);
    }
    report.position = position;
    qCInfo(lcClientSync) << "sync:" << report.pages << "pages," << report.changes << "changes in" << timer.elapsed()
                         << "ms;" << (report.ok() ? QStringLiteral("caught up") : report.error.message);
    m_running = false;
    Q_EMIT finished(report);
    return report;
}

} // namespace vesper::client
