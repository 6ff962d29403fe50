#pragma once
// The AUTOMATIC1111 web UI API as data: the txt2img body, the progress answer, the images answer.
// Kept apart from the threads and calls in A1111Provider so each side stays short.
#include "backend/providers/provider.h"

#include <QByteArray>
#include <QString>

namespace vesper::backend::a1111 {

/// The name used in messages the user reads.
QString providerName();
/// POST /sdapi/v1/txt2img body for request at width x height, named taskId (force_task_id) so
/// /progress can tell our job from the others on the same web UI.
QByteArray txt2imgBody(const GenerationRequest &request, const ImageSize &size, const QString &taskId);

/// One task as POST /internal/progress shows it (modules/progress.py): the web UI serves it with its
/// interface, not with --nowebui. It reads the running task that /sdapi/v1/progress cannot name.
struct TaskProgress {
    bool valid = false;          // the answer was the progress object
    bool active = false;         // the task holds the queue lock now
    bool queued = false;         // the task waits for the lock
    bool completed = false;      // the task has finished (the last 16 are remembered)
    double progress = 0;         // 0..1 while active (0 while it sets up)
};
/// POST /internal/progress body asking about taskId, without a live preview.
QByteArray taskProgressBody(const QString &taskId);
TaskProgress taskProgress(const QByteArray &body);

/// The web UI's shared state as GET /sdapi/v1/progress shows it (modules/shared_state.py), plus our
/// task's own answer when the web UI has one.
struct ProgressState {
    bool valid = false;          // the answer was the progress object
    TaskProgress task;           // valid when read per task (POST /internal/progress)
    QString currentTask;         // current_task when a web UI fills it in; A1111's is always null, Forge has none
    QString job;                 // "scripts_txt2img" for API calls
    QString jobTimestamp;        // when the last job began, to the second
    int jobCount = 0;            // 0 idle, -1 while a job sets up, then its n_iter
    int samplingStep = 0;
    int samplingSteps = 0;
    bool interrupted = false;    // kept after the job ends, until the next one begins
    bool skipped = false;
    double progress = 0;
};
ProgressState progressState(const QByteArray &body);
/// Percent done of the running job (of our task when read per task); -1 when it says nothing usable
/// (idle, or still setting up).
int progressPercent(const ProgressState &state);
/// job_timestamp from a txt2img answer's info (empty when absent).
QString jobTimestampOf(const QByteArray &body);
/// The generated images from a txt2img answer: the grid (if any) skipped, at most numOutputs kept,
/// every image decoded; a BAD_RESPONSE result when the answer cannot be used.
ProviderResult imagesFrom(const QByteArray &body, int numOutputs);
/// One encoded image checked by decoding it (PNG, JPEG or WebP); false when it is none of them.
bool checkedImage(const QByteArray &bytes, GeneratedImage *image);

} // namespace vesper::backend::a1111
