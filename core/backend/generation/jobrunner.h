#pragma once
// Runs one claimed job on a worker thread: the provider with a timeout and a lease heartbeat,
// throttled progress, files first and then one transaction for outputs, status, job and stats.
// Every failure is recorded as a value (failed with a refund, or retried later); nothing throws out.
#include "backend/config/workersettings.h"
#include "backend/repositories/jobqueue.h"

#include <QString>
#include <atomic>
#include <memory>

namespace vesper {
class CircuitBreakers;
}

namespace vesper::backend {

class Database;
class ObjectStore;
class Provider;
class ProviderSettingsStore;
struct GenerationRequest;
struct JobTarget;
struct ProviderResult;

class JobRunner {
public:
    JobRunner(Database &database, ObjectStore &store, const WorkerSettings &settings, const ProviderSettingsStore &providers,
              CircuitBreakers &breakers, QString owner, const std::atomic<bool> &stopping);

    /// Runs the job to an end: completed, failed, cancelled, retried later, or released on shutdown.
    void run(const ClaimedJob &job) noexcept;

private:
    void runJob(const ClaimedJob &claimed);
    /// Ends a job that must not run (finished, cancel asked, out of attempts); false to run it.
    bool settleBeforeRun(const ClaimedJob &claimed, const JobTarget &job, const JobRecord &record, int numOutputs);
    /// The provider call and what follows it; `probe` says this run holds the breaker's probe slot.
    void runProvider(const ClaimedJob &claimed, const JobTarget &job, Provider &provider, GenerationRequest &request);
    /// Tells the breaker (and its gauge) what this provider's answer says about its health.
    void recordHealth(const QString &providerId, const ProviderResult &result);
    void retryOrFail(const ClaimedJob &claimed, const ProviderResult &result);

    Database &m_database;
    ObjectStore &m_store;
    WorkerSettings m_settings;
    const ProviderSettingsStore &m_providers;
    CircuitBreakers &m_breakers;
    QString m_owner;
    const std::atomic<bool> &m_stopping;
    JobQueue m_queue;
};

} // namespace vesper::backend
