#include "backend/generation/jobsink.h"
#include "backend/db/database.h"
#include "backend/repositories/jobqueue.h"
#include "backend/generation/keptimages.h"
#include "common/logging.h"

namespace vesper::backend {
namespace {
constexpr qint64 kCancelPollMs = 100;
}

JobSink::JobSink(Database &database, JobQueue &queue, const QString &generationId, const QString &owner,
                 const WorkerSettings &settings, const std::atomic<bool> &stopping)
    : m_database(database), m_queue(queue), m_id(generationId), m_owner(owner), m_settings(settings), m_stopping(stopping)
{
    m_clock.start();
}

void JobSink::progress(int percent, bool estimate)
{
    heartbeat();
    percent = qBound(0, percent, 99); // 100 is written with the outputs
    if (percent < m_written + 10) // one write per ten points keeps the database and the feed quiet
        return;
    try {
        // Never lower: a retry starts its own count at zero, and the bar must not jump back.
        m_queue.writeProgress(m_id, percent, estimate);
        m_written = percent;
    } catch (const std::exception &e) {
        qCWarning(lcServer) << "progress write failed for generation" << m_id << e.what();
    }
}

bool JobSink::cancelled() const
{
    if (m_stop != Stop::None)
        return true;
    if (m_stopping.load()) {
        m_stop = Stop::Shutdown;
    } else if (m_clock.elapsed() > qint64(m_settings.timeoutSeconds) * 1000) {
        m_stop = Stop::TimedOut;
    } else if (m_clock.elapsed() - m_lastCancelCheck >= kCancelPollMs) {
        m_lastCancelCheck = m_clock.elapsed();
        try {
            if (m_queue.cancelRequested(m_id))
                m_stop = Stop::Cancelled;
        } catch (const std::exception &) {
            // A database hiccup is not a cancel; the next check tries again.
        }
    }
    heartbeat();
    return m_stop != Stop::None;
}

void JobSink::imageReady(const GeneratedImage &image)
{
    if (!m_kept || image.index < 0) {
        heartbeat();
        return;
    }
    // Kept at its output's final key at once, so only while this run still owns the job: after a
    // lost lease another worker's files live there, and after a delete nothing may come back.
    bool owned = false;
    try {
        owned = m_stop != Stop::LeaseLost && m_queue.extend(m_id, m_owner, m_settings.leaseSeconds);
    } catch (const std::exception &) {
        // Not kept: the image is still in this attempt's result, only the safety net is missing.
        return;
    }
    if (!owned) {
        if (m_stop == Stop::None)
            m_stop = Stop::LeaseLost;
        return;
    }
    m_lastBeat = m_clock.elapsed();
    m_kept->keep(image);
}

QString JobSink::providerTask() const
{
    if (!m_task) {
        try {
            m_task = m_queue.providerTask(m_id);
        } catch (const std::exception &e) {
            qCWarning(lcServer) << "provider task of generation" << m_id << "could not be read:" << e.what();
            return {};
        }
    }
    return *m_task;
}

bool JobSink::setProviderTask(const QString &task)
{
    try {
        if (!m_queue.setProviderTask(m_id, m_owner, task)) {
            if (m_stop == Stop::None)
                m_stop = Stop::LeaseLost; // another worker runs the job now
            return false;
        }
        m_task = task;
        return true;
    } catch (const std::exception &e) {
        qCWarning(lcServer) << "provider task of generation" << m_id << "could not be kept:" << e.what();
        return false;
    }
}

bool JobSink::leavesWorkRunning() const
{
    if (m_stop == Stop::Shutdown)
        return true; // released to the queue: the next attempt, here or elsewhere, follows it
    if (m_stop != Stop::LeaseLost)
        return false;
    try {
        return !m_queue.cancelRequested(m_id); // another worker runs the job; gone or cancelled: stop it
    } catch (const std::exception &) {
        return true; // unknown: leaving it costs at most one prediction, cancelling could fail a running job
    }
}

void JobSink::heartbeat() const
{
    const qint64 interval = qint64(m_settings.leaseSeconds) * 1000 / 3;
    if (m_clock.elapsed() - m_lastBeat < interval || m_stop == Stop::LeaseLost)
        return;
    m_lastBeat = m_clock.elapsed();
    try {
        // Expired and taken by another worker, or the job is gone; a stop already decided (a cancel
        // seen, say) stays, so the run still ends the way it was told to.
        if (!m_queue.extend(m_id, m_owner, m_settings.leaseSeconds) && m_stop == Stop::None)
            m_stop = Stop::LeaseLost;
    } catch (const std::exception &) {
    }
}

} // namespace vesper::backend
