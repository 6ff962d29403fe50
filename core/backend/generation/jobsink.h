#pragma once
// What a running provider reports to: progress written at most every ten points (each write a new
// rev), the lease heartbeat, the provider timeout, shutdown, and cancel requests polled from the jobs row.
#include "backend/config/workersettings.h"
#include "backend/repositories/jobqueue.h"
#include "backend/providers/provider.h"

#include <QElapsedTimer>
#include <QString>
#include <atomic>
#include <optional>

namespace vesper::backend {

class Database;
class JobQueue;
class KeptImages;

/// Progress, heartbeat, timeout and cancellation for one running job.
class JobSink final : public ProgressSink {
public:
    enum class Stop { None, Cancelled, TimedOut, LeaseLost, Shutdown };

    JobSink(Database &database, JobQueue &queue, const QString &generationId, const QString &owner,
            const WorkerSettings &settings, const std::atomic<bool> &stopping);

    void progress(int percent, bool estimate) override;
    bool cancelled() const override;
    /// Stores each image as it arrives when keptImages is set (see KeptImages).
    void imageReady(const GeneratedImage &image) override;
    void setKeptImages(KeptImages *keptImages) { m_kept = keptImages; }
    /// Kept in the job's row (JobQueue::providerTask), read once per attempt.
    QString providerTask() const override;
    bool setProviderTask(const QString &task) override;
    bool leavesWorkRunning() const override;
    /// Why the sink told the provider to stop, if it did.
    Stop stop() const { return m_stop; }

private:
    void heartbeat() const;

    Database &m_database;
    JobQueue &m_queue;
    QString m_id;
    QString m_owner;
    const WorkerSettings &m_settings;
    const std::atomic<bool> &m_stopping;
    QElapsedTimer m_clock;
    int m_written = 0;
    mutable qint64 m_lastBeat = 0;
    mutable qint64 m_lastCancelCheck = 0;
    mutable Stop m_stop = Stop::None;
    KeptImages *m_kept = nullptr;
    mutable std::optional<QString> m_task;
};

} // namespace vesper::backend
