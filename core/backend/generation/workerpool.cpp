#include "backend/generation/workerpool.h"
#include "backend/config/providerids.h"
#include "backend/config/providersettingsstore.h"
#include "backend/db/database.h"
#include "backend/generation/jobrunner.h"
#include "backend/repositories/jobqueue.h"
#include "backend/storage/objectstore.h"
#include "common/logging.h"
#include "common/metrics.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSysInfo>

namespace vesper::backend {
namespace {
constexpr int kIdlePollMs = 200;
const QString kQueueDepth = QStringLiteral("vesper_queue_depth");
} // namespace

WorkerPool::WorkerPool(Database &database, const QString &storageRoot, const WorkerSettings &settings,
                       const ProviderSettingsStore &providers, CircuitBreakers &breakers)
    : m_database(database)
    , m_store(std::make_unique<ObjectStore>(storageRoot))
    , m_settings(settings)
    , m_providers(providers)
    , m_breakers(breakers)
{
    // Unique per process start, so a restarted server never mistakes an old lease for its own.
    m_owner = QStringLiteral("%1:%2:%3").arg(QSysInfo::machineHostName()).arg(QCoreApplication::applicationPid())
                  .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_pool.setMaxThreadCount(qMax(1, settings.workers));
    m_pool.setExpiryTimeout(-1);
}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::start()
{
    if (m_settings.workers <= 0 || m_started)
        return;
    m_started = true;
    auto &metrics = MetricsRegistry::instance();
    metrics.describe(kQueueDepth, QStringLiteral("gauge"), QStringLiteral("Generation jobs not finished yet."));
    metrics.describe(QStringLiteral("vesper_job_duration_seconds"), QStringLiteral("histogram"), QStringLiteral("Provider run time by provider."));
    metrics.describe(QStringLiteral("vesper_provider_errors_total"), QStringLiteral("counter"), QStringLiteral("Provider errors by provider and kind."));
    metrics.describe(QStringLiteral("vesper_provider_breaker_open"), QStringLiteral("gauge"),
                     QStringLiteral("1 while a provider's circuit breaker is open or probing, else 0."));
    const auto settings = m_providers.snapshot();
    for (const QString &provider : providerid::all()) {
        if (settings->configured(provider))
            metrics.setGauge(QStringLiteral("vesper_provider_breaker_open"), QStringLiteral("provider=\"%1\"").arg(provider), 0);
    }
    // The registry is the process's: with two backends in one process the gauge is their sum, and
    // each removes only its own source when it stops.
    Database *database = &m_database;
    m_depthGauge = metrics.addCallbackGauge(kQueueDepth, [database] {
        try {
            return double(JobQueue(*database).depth());
        } catch (const std::exception &) {
            return -1.0;
        }
    });
    for (int i = 0; i < m_settings.workers; ++i)
        m_pool.start([this, i] { loop(i); });
}

void WorkerPool::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_stopping = true;
    notify();
    m_pool.waitForDone();
    MetricsRegistry::instance().removeCallbackGauge(m_depthGauge);
}

void WorkerPool::notify()
{
    QMutexLocker locker(&m_wakeMutex);
    m_wake.wakeAll();
}

void WorkerPool::loop(int index)
{
    const QString owner = m_owner + QLatin1Char('/') + QString::number(index);
    JobQueue queue(m_database);
    JobRunner runner(m_database, *m_store, m_settings, m_providers, m_breakers, owner, m_stopping);
    while (!m_stopping.load()) {
        std::optional<ClaimedJob> job;
        try {
            job = queue.claim(owner, m_settings.leaseSeconds);
        } catch (const std::exception &e) {
            qCWarning(lcServer) << "claiming a job failed:" << e.what();
        }
        if (job) {
            runner.run(*job);
            continue; // look again at once: more work is likely queued
        }
        QMutexLocker locker(&m_wakeMutex);
        if (!m_stopping.load())
            m_wake.wait(&m_wakeMutex, kIdlePollMs);
    }
}

} // namespace vesper::backend
