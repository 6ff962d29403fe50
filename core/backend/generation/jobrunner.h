#pragma once
// Runs one claimed job on a worker thread: the provider with a timeout and a lease heartbeat,
// throttled progress, files first and then one transaction for outputs, status, job and stats.
// Every failure is recorded as a value (failed with a refund, or retried later); nothing throws out.
#include "backend/generation/jobqueue.h"

#include <QString>
#include <atomic>

namespace vesper::backend {

class Database;
class ObjectStore;
struct GeneratedImage;
struct ProviderResult;

struct WorkerSettings {
    int workers = 2;          // VESPER_WORKERS (0: this instance only accepts requests)
    int leaseSeconds = 60;    // VESPER_JOB_LEASE_SECONDS
    int timeoutSeconds = 300; // VESPER_PROVIDER_TIMEOUT_SECONDS
    int maxAttempts = 3;      // VESPER_JOB_MAX_ATTEMPTS
    int backoffMs = 2000;     // VESPER_JOB_BACKOFF_MS: the first retry's delay, doubled per attempt up to a minute
    /// Read once from the environment; bad values fall back to the defaults.
    static const WorkerSettings &fromEnvironment();
};

class JobRunner {
public:
    JobRunner(Database &database, ObjectStore &store, const WorkerSettings &settings, QString owner,
              const std::atomic<bool> &stopping);

    /// Runs the job to an end: completed, failed, cancelled, retried later, or released on shutdown.
    void run(const ClaimedJob &job) noexcept;

private:
    void runJob(const ClaimedJob &claimed);
    bool markProcessing(const QString &generationId);
    void retryOrFail(const ClaimedJob &claimed, const ProviderResult &result);

    Database &m_database;
    ObjectStore &m_store;
    WorkerSettings m_settings;
    QString m_owner;
    const std::atomic<bool> &m_stopping;
    JobQueue m_queue;
};

} // namespace vesper::backend
