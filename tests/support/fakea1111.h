#pragma once
// The AUTOMATIC1111 web UI API (/sdapi/v1/txt2img, /progress, /interrupt) for tests, on
// FakeHttpServer, following modules/api/api.py and modules/shared_state.py: one queue lock shared
// with a person's jobs in the web UI, shared.state as /progress shows it (job_count -1 while a job
// sets up, then n_iter; job, job_no, job_timestamp; interrupted and skipped kept after the job ends;
// current_task always null, as api.py imports a copy of it at load, or absent as in Forge), one task
// by id on POST /internal/progress (modules/progress.py; 404 with --nowebui), an interrupt answered
// 200 with the partly denoised image, PNGs with a `parameters` text chunk, 422 for a body pydantic
// refuses and 500 with the exception object.
// Answers are timed when txt2img arrives: an /interrupt ends the running job in /progress, but an
// answer already scheduled keeps its time (the adapter has stopped reading it by then).
#include "fakehttpserver.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QMutex>
#include <memory>

namespace vesper::test {

class FakeA1111 {
public:
    enum class Scenario {
        Success,          // images when our job's turn on the lock has run for delayMs
        Error,            // 500 with the web UI's error object (CUDA out of memory)
        NanError,         // 500 naming NansException, with the web UI's whole (long) message
        LongError,        // 500 naming RuntimeError, with 3000 characters of text (a tensor dump)
        Hang,             // txt2img holds the lock and never answers
        RateLimitOnce,    // the next txt2img gets 429 with Retry-After: 1, later ones succeed
        NotJson,          // 200 with an HTML page
        BadImage,         // 200 with base64 that is not an image
        Unavailable,      // 503 (the web UI restarting)
        Invalid,          // 422 with pydantic's list of field errors
        InterruptedByOther, // someone presses Interrupt at step 6 of 25: 200 with the partial image
        SkippedByOther,   // someone presses Skip at step 6 of 25: likewise, with state.skipped
    };

    /// How the web UI was started, for what its progress routes answer.
    enum class Launch {
        WebUi,   // with its interface and --api: /internal/progress served, current_task null
        Forge,   // Forge: /internal/progress served, no current_task key at all
        NoWebUi, // --nowebui: /internal/progress answers 404, current_task null
    };

    FakeA1111();
    bool start(QString *error);
    QString url() const { return m_server->baseUrl(); }
    FakeHttpServer &server() { return *m_server; }

    void setScenario(Scenario scenario);
    void setLaunch(Launch launch);
    /// How long a txt2img runs once it holds the queue lock.
    void setDelayMs(int ms);
    /// A person's job in the web UI takes the queue lock now (or when the jobs before it end) for
    /// durationMs; /progress shows it with its own task id. Our txt2img calls wait behind it.
    void startForeignJob(int durationMs, const QString &taskId = foreignTaskId());
    /// The body of the last txt2img request (empty before one).
    QJsonObject lastTxt2Img() const;
    /// When each txt2img request arrived (ms since the epoch).
    QList<qint64> txt2imgTimes() const;
    int interrupts() const { return m_server->count("POST", QStringLiteral("/sdapi/v1/interrupt")); }
    /// Task ids of the jobs /interrupt stopped, in order ("" when nothing was running).
    QStringList interruptedTasks() const;
    /// The task id of the foreign (person's) jobs.
    static QString foreignTaskId() { return QStringLiteral("task(ui-person-1)"); }
    void reset();

private:
    struct Job {
        QString taskId;
        QString name;       // shared.state.job: "txt2img" in the UI, "scripts_txt2img" over the API
        qint64 start = 0;   // takes the lock
        qint64 end = 0;     // leaves it
        qint64 stoppedAt = 0; // when interrupt/skip was pressed; 0: never
        bool skipped = false;
        int steps = 25;
        int nIter = 1;
        QString timestamp;  // shared.state.job_timestamp, one-second resolution as in the web UI
    };

    FakeResponse handle(const FakeRequest &request);
    FakeResponse txt2img(const FakeRequest &request);
    FakeResponse progress();
    FakeResponse taskProgress(const FakeRequest &request);
    /// shared.state's counters for a running job at t.
    struct Sampling {
        int jobCount = -1;
        int jobNo = 0;
        int step = 0;
        int steps = 0;
    };
    static Sampling samplingOf(const Job &job, qint64 t);
    FakeResponse interrupt();
    Job &queueJob(const QString &taskId, const QString &name, int durationMs, int steps, int nIter);
    qint64 lockFreeAt() const;

    std::unique_ptr<FakeHttpServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    Launch m_launch = Launch::WebUi;
    int m_delayMs = 300;
    QJsonObject m_last;
    QList<qint64> m_times;
    QList<Job> m_jobs; // in lock order
    QStringList m_interrupted;
};

/// A PNG of w x h in one colour.
QByteArray pngOf(int width, int height, const QColor &colour);

} // namespace vesper::test
