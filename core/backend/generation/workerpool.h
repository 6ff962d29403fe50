#pragma once
// The generation workers of one server: a QThreadPool whose threads each loop claiming and running
// jobs, polling the queue when idle and woken at once when a request enqueues one.
#include "backend/generation/jobrunner.h"

#include <QString>
#include <QThreadPool>
#include <atomic>
#include <memory>

namespace vesper::backend {

class Database;
class ObjectStore;
struct ServerContext;

class WorkerPool {
public:
    WorkerPool(Database &database, const QString &storageRoot, const WorkerSettings &settings);
    ~WorkerPool();

    void start();
    /// Asks every worker to stop, releases running jobs' leases and waits for the threads.
    void stop();

    /// Wakes idle workers of every pool in this process (a job was just enqueued).
    static void notify();
    /// Starts the workers of a server (VESPER_WORKERS of them); stopFor stops and destroys them.
    static void startFor(ServerContext &context);
    static void stopFor(const ServerContext *context);

private:
    void loop(int index);

    Database &m_database;
    std::unique_ptr<ObjectStore> m_store;
    WorkerSettings m_settings;
    QString m_owner;
    std::atomic<bool> m_stopping{false};
    QThreadPool m_pool;
};

} // namespace vesper::backend
