#include "backend/generation/workerpool.h"
#include "backend/db/database.h"
#include "backend/generation/jobqueue.h"
#include "backend/generation/remote/remotesettings.h"
#include "backend/server/servercontext.h"
#include "backend/storage/objectstore.h"
#include "common/logging.h"
#include "common/metrics.h"

#include <QCoreApplication>
#include <QHash>
#include <QMutex>
#include <QRandomGenerator>
#include <QSysInfo>
#include <QWaitCondition>

namespace vesper::backend {
namespace {
constexpr int kIdlePollMs = 200;

QMutex &wakeMutex()
{
    static QMutex mutex;
    return mutex;
}

QWaitCondition &wakeCondition()
{
    static QWaitCondition condition;
    return condition;
}

QMutex &poolsMutex()
{
    static QMutex mutex;
    return mutex;
}

QHash<const ServerContext *, WorkerPool *> &pools()
{
    static QHash<const ServerContext *, WorkerPool *> map;
    return map;
}
} // namespace

WorkerPool::WorkerPool(Database &database, const QString &storageRoot, const WorkerSettings &settings)
    : m_database(database)
    , m_store(std::make_unique<ObjectStore>(storageRoot))
    , m_settings(settings)
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
    for (int i = 0; i < m_settings.workers; ++i)
        m_pool.start([this, i] { loop(i); });
}

void WorkerPool::stop()
{
    m_stopping = true;
    notify();
    m_pool.waitForDone();
}

void WorkerPool::notify()
{
    QMutexLocker locker(&wakeMutex());
    wakeCondition().wakeAll();
}

void WorkerPool::loop(int index)
{
    const QString owner = m_owner + QLatin1Char('/') + QString::number(index);
    JobQueue queue(m_database);
    JobRunner runner(m_database, *m_store, m_settings, owner, m_stopping);
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
        QMutexLocker locker(&wakeMutex());
        if (!m_stopping.load())
            wakeCondition().wait(&wakeMutex(), kIdlePollMs);
    }
}

void WorkerPool::startFor(ServerContext &context)
{
    const WorkerSettings &settings = WorkerSettings::fromEnvironment();
    if (settings.workers <= 0)
        return;
    auto *pool = new WorkerPool(context.db, context.config.storagePath, settings);
    {
        QMutexLocker locker(&poolsMutex());
        pools().insert(&context, pool);
    }
    auto &metrics = MetricsRegistry::instance();
    metrics.describe(QStringLiteral("vesper_queue_depth"), QStringLiteral("gauge"), QStringLiteral("Generation jobs not finished yet."));
    metrics.describe(QStringLiteral("vesper_job_duration_seconds"), QStringLiteral("histogram"), QStringLiteral("Provider run time by provider."));
    metrics.describe(QStringLiteral("vesper_provider_errors_total"), QStringLiteral("counter"), QStringLiteral("Provider errors by provider and kind."));
    metrics.describe(QStringLiteral("vesper_provider_breaker_open"), QStringLiteral("gauge"),
                     QStringLiteral("1 while a provider's circuit breaker is open or probing, else 0."));
    for (const QString &provider : {QStringLiteral("sketch"), QStringLiteral("a1111"), QStringLiteral("comfyui"), QStringLiteral("gemini"),
                                    QStringLiteral("replicate")}) {
        if (provider == QLatin1String("sketch") || RemoteSettings::fromEnvironment().configured(provider))
            metrics.setGauge(QStringLiteral("vesper_provider_breaker_open"), QStringLiteral("provider=\"%1\"").arg(provider), 0);
    }
    metrics.addCallbackGauge(QStringLiteral("vesper_queue_depth"), [] {
        // Read through whichever pool is running; the lock keeps it alive while the query runs.
        QMutexLocker locker(&poolsMutex());
        if (pools().isEmpty())
            return 0.0;
        try {
            return double(JobQueue(pools().begin().value()->m_database).depth());
        } catch (const std::exception &) {
            return -1.0;
        }
    });
    pool->start();
}

void WorkerPool::stopFor(const ServerContext *context)
{
    WorkerPool *pool = nullptr;
    {
        QMutexLocker locker(&poolsMutex());
        pool = pools().take(context);
    }
    delete pool; // stops and joins: the worker threads' connections close before the database goes
}

} // namespace vesper::backend
