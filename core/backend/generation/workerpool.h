#pragma once
// The generation workers of one backend: a QThreadPool whose threads each loop claiming and running
// jobs, polling the queue when idle and woken at once when a request enqueues one. Owned by its
// backend; two backends in one process have two pools that never wake or wait for each other.
#include "backend/config/workersettings.h"

#include <QMutex>
#include <QString>
#include <QThreadPool>
#include <QWaitCondition>
#include <atomic>
#include <memory>

namespace vesper {
class CircuitBreakers;
}

namespace vesper::backend {

class Database;
class ObjectStore;
class ProviderSettingsStore;

class WorkerPool {
public:
    WorkerPool(Database &database, const QString &storageRoot, const WorkerSettings &settings, const ProviderSettingsStore &providers,
               CircuitBreakers &breakers);
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    /// Starts settings.workers threads (none when it is 0: this backend only accepts requests).
    void start();
    /// Asks every worker to stop (running providers see it through their sink and return), hands
    /// their jobs back to the queue and waits for the threads.
    void stop();
    /// Wakes idle workers of this pool (a job was just enqueued).
    void notify();

private:
    void loop(int index);

    Database &m_database;
    std::unique_ptr<ObjectStore> m_store;
    WorkerSettings m_settings;
    const ProviderSettingsStore &m_providers;
    CircuitBreakers &m_breakers;
    QString m_owner;
    std::atomic<bool> m_stopping{false};
    bool m_started = false;
    quint64 m_depthGauge = 0; // this pool's vesper_queue_depth source in the process's registry
    QMutex m_wakeMutex;
    QWaitCondition m_wake;
    QThreadPool m_pool;
};

} // namespace vesper::backend
