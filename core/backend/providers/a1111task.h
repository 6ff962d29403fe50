#pragma once
// One txt2img of ours on a web UI that people and other programs use too. Its /sdapi/v1/progress and
// /interrupt are about whichever job holds the queue lock (and its current_task is always null), so
// our task (force_task_id) is asked about by id on /internal/progress before a reading is shown, and
// an interrupt is only sent while our job runs. Without that route (--nowebui) a heuristic is used.
#include "backend/providers/a1111protocol.h"
#include "backend/providers/providerhttp.h"

#include <QString>

namespace vesper::backend {

class A1111Task {
public:
    /// rootUrl is the web UI's address (what VESPER_A1111_URL names); pollMs paces the watcher,
    /// timeoutSeconds bounds it.
    A1111Task(const QString &rootUrl, int pollMs, int timeoutSeconds);

    QString id() const { return m_id; }
    /// The API's base, ending in "sdapi/v1/".
    QString apiBase() const { return m_base; }
    /// Before our call is sent: finds out whether the web UI answers per task (/internal/progress)
    /// and remembers the shared state, so that without it a job that began after this one and runs
    /// as an API txt2img is read as ours.
    void noteBefore(ProviderHttp &http);
    /// True when the web UI tells our task apart (/internal/progress answered).
    bool perTask() const { return m_perTask; }
    /// Our task and the web UI's state now (invalid when it cannot be read). Per task, the shared
    /// state is read only while our task is active, after it, so its flags are ours.
    a1111::ProgressState read(ProviderHttp &http) const;
    /// The web UI's shared state now (GET /sdapi/v1/progress), whoever's job it shows.
    a1111::ProgressState readWebUi(ProviderHttp &http) const;
    /// True when the job running in state is ours.
    bool ours(const a1111::ProgressState &state) const;
    /// Stops our job and no other: an interrupt when it runs now; when it still waits for the lock,
    /// a watcher interrupts it the moment it starts (until it completes or the job's timeout has
    /// passed). Without per-task answers a waiting job gets no interrupt: ours cannot be told apart.
    void stop(ProviderHttp &http) const;

private:
    QString m_root; // ends in "/"
    QString m_base; // m_root + "sdapi/v1/"
    QString m_id;
    int m_pollMs;
    int m_timeoutSeconds;
    QString m_timestampBefore;
    bool m_perTask = false;
};

} // namespace vesper::backend
