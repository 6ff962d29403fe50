#pragma once
// One txt2img of ours on a web UI that people and other programs use too. Its /progress and
// /interrupt are about whichever job holds the queue lock, so each reading is checked against our
// task id (force_task_id) before it is shown, and an interrupt is only sent while our job runs.
#include "backend/providers/a1111protocol.h"
#include "backend/providers/providerhttp.h"

#include <QString>

namespace vesper::backend {

class A1111Task {
public:
    /// baseUrl ends in "/sdapi/v1/"; pollMs paces the watcher, timeoutSeconds bounds it.
    A1111Task(const QString &baseUrl, int pollMs, int timeoutSeconds);

    QString id() const { return m_id; }
    /// The web UI's state now (invalid when it cannot be read).
    a1111::ProgressState read(ProviderHttp &http) const;
    /// Remembers the state before our call is sent: a web UI that names no tasks (before 1.6) is
    /// then read as running ours when a job that began after this one runs.
    void noteBefore(const a1111::ProgressState &state);
    /// True when the job running in state is ours.
    bool ours(const a1111::ProgressState &state) const;
    /// Stops our job and no other: an interrupt when it runs now; when it still waits for the lock,
    /// a watcher interrupts it the moment it starts (until the job's timeout has passed). A web UI
    /// that names no tasks gets no interrupt at all then: ours cannot be told from others.
    void stop(ProviderHttp &http) const;

private:
    QString m_base;
    QString m_id;
    int m_pollMs;
    int m_timeoutSeconds;
    QString m_timestampBefore;
    bool m_namesTasks = true;
};

} // namespace vesper::backend
