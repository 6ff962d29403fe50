#include "fakea1111.h"

#include <QBuffer>
#include <QColor>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::test {
namespace {
constexpr int kStopStep = 6;         // where the scenarios' person presses Interrupt or Skip
constexpr int kSetupMs = 120;        // job_count stays -1 until process_images sets n_iter
constexpr int kStopLagMs = 40;       // the sampler notices the flag at its next step

qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}

/// A PNG as the web UI's encode_pil_to_base64 writes it: the infotext in a `parameters` chunk.
QByteArray webUiPng(int width, int height, const QColor &colour, const QString &infotext)
{
    QImage image(qMax(1, width), qMax(1, height), QImage::Format_RGB32);
    image.fill(colour);
    image.setText(QStringLiteral("parameters"), infotext);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

/// pydantic's 422 for a field of the wrong type (FastAPI's RequestValidationError body).
FakeResponse invalidField(const QString &field, const QString &message, const QString &type)
{
    const QJsonObject error{{QStringLiteral("loc"), QJsonArray{QStringLiteral("body"), field}},
                            {QStringLiteral("msg"), message},
                            {QStringLiteral("type"), type}};
    return FakeResponse::json(422, {{QStringLiteral("detail"), QJsonArray{error}}});
}

/// The web UI's exception handler: every exception is a 500 with its type and its whole text.
FakeResponse exception(const QString &type, const QString &text)
{
    return FakeResponse::json(500, {{QStringLiteral("error"), type},
                                    {QStringLiteral("detail"), QString()},
                                    {QStringLiteral("body"), QString()},
                                    {QStringLiteral("errors"), text}});
}
} // namespace

QByteArray pngOf(int width, int height, const QColor &colour)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

FakeA1111::FakeA1111()
    : m_server(std::make_unique<FakeHttpServer>([this](const FakeRequest &r) { return handle(r); }))
{
}

bool FakeA1111::start(QString *error)
{
    return m_server->start(error);
}

void FakeA1111::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
}

void FakeA1111::setLaunch(Launch launch)
{
    QMutexLocker lock(&m_mutex);
    m_launch = launch;
}

void FakeA1111::setDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_delayMs = ms;
}

void FakeA1111::startForeignJob(int durationMs, const QString &taskId)
{
    QMutexLocker lock(&m_mutex);
    queueJob(taskId, QStringLiteral("txt2img"), durationMs, 20, 1);
}

QJsonObject FakeA1111::lastTxt2Img() const
{
    QMutexLocker lock(&m_mutex);
    return m_last;
}

QList<qint64> FakeA1111::txt2imgTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_times;
}

QStringList FakeA1111::interruptedTasks() const
{
    QMutexLocker lock(&m_mutex);
    return m_interrupted;
}

void FakeA1111::reset()
{
    QMutexLocker lock(&m_mutex);
    m_scenario = Scenario::Success;
    m_launch = Launch::WebUi;
    m_delayMs = 300;
    m_last = {};
    m_times.clear();
    m_jobs.clear();
    m_interrupted.clear();
    m_server->clearRequests();
}

qint64 FakeA1111::lockFreeAt() const
{
    return m_jobs.isEmpty() ? 0 : m_jobs.last().end;
}

FakeA1111::Job &FakeA1111::queueJob(const QString &taskId, const QString &name, int durationMs, int steps, int nIter)
{
    Job job;
    job.taskId = taskId;
    job.name = name;
    job.start = qMax(now(), lockFreeAt());
    job.end = job.start + qMax(1, durationMs);
    job.steps = steps;
    job.nIter = nIter;
    job.timestamp = QDateTime::fromMSecsSinceEpoch(job.start).toString(QStringLiteral("yyyyMMddHHmmss"));
    m_jobs.append(job);
    return m_jobs.last();
}

FakeResponse FakeA1111::handle(const FakeRequest &r)
{
    if (r.method == "POST" && r.path == QLatin1String("/sdapi/v1/txt2img"))
        return txt2img(r);
    if (r.method == "GET" && r.path == QLatin1String("/sdapi/v1/progress"))
        return progress();
    if (r.method == "POST" && r.path == QLatin1String("/sdapi/v1/interrupt"))
        return interrupt();
    if (r.method == "POST" && r.path == QLatin1String("/internal/progress"))
        return taskProgress(r);
    return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not Found")}});
}

FakeResponse FakeA1111::interrupt()
{
    // shared.state.interrupt(): whatever holds the lock now stops at its next step.
    QMutexLocker lock(&m_mutex);
    const qint64 t = now();
    for (Job &job : m_jobs) {
        if (job.start <= t && t < job.end) {
            job.stoppedAt = t;
            job.end = t + kStopLagMs;
            m_interrupted.append(job.taskId);
            return FakeResponse::json(200, {});
        }
    }
    m_interrupted.append(QString());
    return FakeResponse::json(200, {});
}

FakeResponse FakeA1111::txt2img(const FakeRequest &r)
{
    QMutexLocker lock(&m_mutex);
    m_last = r.json();
    m_times.append(now());
    // What pydantic checks before the handler runs.
    for (const char *field : {"width", "height", "batch_size", "n_iter", "steps", "seed"}) {
        const QJsonValue value = m_last.value(QLatin1String(field));
        if (!value.isUndefined() && !value.isDouble())
            return invalidField(QLatin1String(field), QStringLiteral("value is not a valid integer"), QStringLiteral("type_error.integer"));
    }
    const QJsonValue taskValue = m_last.value(QStringLiteral("force_task_id"));
    if (!taskValue.isUndefined() && !taskValue.isNull() && !taskValue.isString())
        return invalidField(QStringLiteral("force_task_id"), QStringLiteral("str type expected"), QStringLiteral("type_error.str"));
    switch (m_scenario) {
    case Scenario::Error:
        return exception(QStringLiteral("OutOfMemoryError"), QStringLiteral("CUDA out of memory. Tried to allocate 2.00 GiB"));
    case Scenario::NanError:
        return exception(QStringLiteral("NansException"),
                         QStringLiteral("A tensor with all NaNs was produced in Unet. This could be either because there's not enough "
                                        "precision to represent the picture, or because your video card does not support half type. Try "
                                        "setting the \"Upcast cross attention layer to float32\" option in Settings > Stable Diffusion or "
                                        "using the --no-half commandline argument to fix this. Use --disable-nan-check commandline "
                                        "argument to disable this check."));
    case Scenario::LongError:
        return exception(QStringLiteral("RuntimeError"), QStringLiteral("shape mismatch: ") + QString(3000, QLatin1Char('7')));
    case Scenario::Invalid:
        return invalidField(QStringLiteral("steps"), QStringLiteral("ensure this value is less than or equal to 150"),
                            QStringLiteral("value_error.number.not_le"));
    case Scenario::Hang: // holds the lock (for an hour) until an interrupt, and never answers
        queueJob(taskValue.toString(), QStringLiteral("scripts_txt2img"), 3600 * 1000, 25, 1);
        return FakeResponse::hang();
    case Scenario::RateLimitOnce:
        m_scenario = Scenario::Success;
        return FakeResponse::json(429, {{QStringLiteral("detail"), QStringLiteral("too many requests")}}).header("Retry-After", "1");
    case Scenario::NotJson:
        return FakeResponse::bytes(200, "<html><body>Gradio</body></html>", "text/html");
    case Scenario::Unavailable:
        return FakeResponse::bytes(503, "upstream restarting", "text/plain");
    case Scenario::Success:
    case Scenario::BadImage:
    case Scenario::InterruptedByOther:
    case Scenario::SkippedByOther:
        break;
    }
    // add_task_to_queue, then the queue lock: the job runs when the jobs before it have ended.
    const QString taskId = taskValue.isString() && !taskValue.toString().isEmpty() ? taskValue.toString()
                                                                                     : QStringLiteral("task(api-%1)").arg(m_times.size());
    const int steps = qMax(1, m_last.value(QStringLiteral("steps")).toInt(20));
    const int nIter = qMax(1, m_last.value(QStringLiteral("n_iter")).toInt(1));
    const bool stops = m_scenario == Scenario::InterruptedByOther || m_scenario == Scenario::SkippedByOther;
    const int width = m_last.value(QStringLiteral("width")).toInt();
    const int height = m_last.value(QStringLiteral("height")).toInt();
    const int batch = qMax(1, m_last.value(QStringLiteral("batch_size")).toInt(1));
    const QString infotext = QStringLiteral("%1\nNegative prompt: %2\nSteps: %3, Sampler: %4, Seed: %5, Size: %6x%7")
                                 .arg(m_last.value(QStringLiteral("prompt")).toString(), m_last.value(QStringLiteral("negative_prompt")).toString())
                                 .arg(steps)
                                 .arg(m_last.value(QStringLiteral("sampler_name")).toString())
                                 .arg(m_last.value(QStringLiteral("seed")).toInteger())
                                 .arg(width)
                                 .arg(height);
    QJsonArray images;
    if (batch > 1) // the web UI's grid of the batch comes first
        images.append(QString::fromLatin1(webUiPng(width * batch, height, Qt::gray, infotext).toBase64()));
    for (int i = 0; i < batch; ++i) {
        // A stopped job still answers with what the sampler had: a noisy, partly denoised picture.
        const QColor colour = stops ? QColor(Qt::darkGray) : QColor::fromHsv(i * 60, 200, 200);
        const QByteArray bytes = m_scenario == Scenario::BadImage ? QByteArray("definitely not a picture")
                                                                   : webUiPng(width, height, colour, infotext);
        images.append(QString::fromLatin1(bytes.toBase64()));
    }
    // Queued only now: encoding the PNGs above takes this thread a while, and the job's clock must
    // not run while /progress cannot be answered.
    Job &job = queueJob(taskId, QStringLiteral("scripts_txt2img"), m_delayMs, steps, nIter);
    if (stops) {
        job.stoppedAt = job.start + kSetupMs + qint64(m_delayMs - kSetupMs) * kStopStep / steps;
        job.end = job.stoppedAt + kStopLagMs;
        job.skipped = m_scenario == Scenario::SkippedByOther;
    }

    const QJsonObject info{{QStringLiteral("seed"), m_last.value(QStringLiteral("seed"))},
                           {QStringLiteral("infotexts"), QJsonArray{infotext}},
                           {QStringLiteral("job_timestamp"), job.timestamp},
                           {QStringLiteral("index_of_first_image"), batch > 1 ? 1 : 0}};
    return FakeResponse::json(200, {{QStringLiteral("images"), images},
                                    {QStringLiteral("parameters"), m_last},
                                    {QStringLiteral("info"), QString::fromUtf8(QJsonDocument(info).toJson(QJsonDocument::Compact))}})
        .delayed(int(qMax<qint64>(1, job.end - now())));
}

FakeResponse FakeA1111::progress()
{
    QMutexLocker lock(&m_mutex);
    const qint64 t = now();
    const Job *running = nullptr;
    const Job *lastBegun = nullptr; // state.begin() reset interrupted/skipped/job_timestamp last for it
    for (const Job &job : std::as_const(m_jobs)) {
        if (job.start <= t)
            lastBegun = &job;
        if (job.start <= t && t < job.end)
            running = &job;
    }
    QJsonObject state{{QStringLiteral("skipped"), false},
                      {QStringLiteral("interrupted"), false},
                      {QStringLiteral("stopping_generation"), false},
                      {QStringLiteral("job"), QString()},
                      {QStringLiteral("job_count"), 0},
                      {QStringLiteral("job_timestamp"), QStringLiteral("0")},
                      {QStringLiteral("job_no"), 0},
                      {QStringLiteral("sampling_step"), 0},
                      {QStringLiteral("sampling_steps"), 0}};
    if (lastBegun) {
        const bool stopped = lastBegun->stoppedAt > 0 && lastBegun->stoppedAt <= t;
        state.insert(QStringLiteral("interrupted"), stopped && !lastBegun->skipped);
        state.insert(QStringLiteral("skipped"), stopped && lastBegun->skipped);
        state.insert(QStringLiteral("job_timestamp"), lastBegun->timestamp);
    }
    QJsonObject answer{{QStringLiteral("progress"), 0.0},
                       {QStringLiteral("eta_relative"), 0.0},
                       {QStringLiteral("state"), state},
                       {QStringLiteral("current_image"), QJsonValue()},
                       {QStringLiteral("textinfo"), QJsonValue()},
                       // api.py's `from modules.progress import current_task` copied None at load.
                       {QStringLiteral("current_task"), QJsonValue()}};
    if (m_launch == Launch::Forge)
        answer.remove(QStringLiteral("current_task"));
    if (!running) // progressapi's early answer when job_count == 0
        return FakeResponse::json(200, answer);
    state.insert(QStringLiteral("job"), running->name);
    const Sampling s = samplingOf(*running, t);
    state.insert(QStringLiteral("job_count"), s.jobCount);
    state.insert(QStringLiteral("job_no"), s.jobNo);
    state.insert(QStringLiteral("sampling_step"), s.step);
    state.insert(QStringLiteral("sampling_steps"), s.steps);
    double progress = 0.01; // progressapi's own arithmetic, -1 job_count and all
    if (s.jobCount > 0)
        progress += double(s.jobNo) / s.jobCount;
    if (s.steps > 0)
        progress += 1.0 / s.jobCount * s.step / s.steps;
    answer.insert(QStringLiteral("progress"), qMin(progress, 1.0));
    answer.insert(QStringLiteral("eta_relative"), double(running->end - t) / 1000.0);
    answer.insert(QStringLiteral("state"), state);
    return FakeResponse::json(200, answer);
}

FakeA1111::Sampling FakeA1111::samplingOf(const Job &job, qint64 t)
{
    Sampling s;
    if (t - job.start < kSetupMs)
        return s; // job_count -1 until process_images sets n_iter
    const qint64 sampling = qMax<qint64>(1, job.end - job.start - kSetupMs);
    const qint64 stepAt = job.stoppedAt > 0 ? qMin(t, job.stoppedAt) : t;
    const double done = qBound(0.0, double(stepAt - job.start - kSetupMs) / double(sampling), 0.999);
    s.jobCount = job.nIter;
    s.jobNo = int(done * job.nIter);
    s.steps = job.steps;
    s.step = int((done * job.nIter - s.jobNo) * s.steps);
    return s;
}

FakeResponse FakeA1111::taskProgress(const FakeRequest &r)
{
    // modules/progress.py's progressapi: about one task by id, from the module's own current_task,
    // pending_tasks (add_task_to_queue .. start_task) and finished_tasks (finish_task).
    QMutexLocker lock(&m_mutex);
    if (m_launch == Launch::NoWebUi) // setup_progress_api runs only in webui(), not in api_only()
        return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not Found")}});
    const QJsonValue id = r.json().value(QStringLiteral("id_task"));
    if (!id.isUndefined() && !id.isNull() && !id.isString())
        return invalidField(QStringLiteral("id_task"), QStringLiteral("str type expected"), QStringLiteral("type_error.str"));
    const qint64 t = now();
    const Job *mine = nullptr;
    int queuedAhead = 0, queuedAll = 0;
    for (const Job &job : std::as_const(m_jobs)) {
        if (job.taskId == id.toString())
            mine = &job;
        if (t < job.start) {
            ++queuedAll;
            if (!mine)
                ++queuedAhead;
        }
    }
    const bool active = mine && mine->start <= t && t < mine->end;
    const bool queued = mine && t < mine->start;
    const bool completed = mine && t >= mine->end;
    QJsonObject answer{{QStringLiteral("active"), active},
                       {QStringLiteral("queued"), queued},
                       {QStringLiteral("completed"), completed},
                       {QStringLiteral("progress"), QJsonValue()},
                       {QStringLiteral("eta"), QJsonValue()},
                       {QStringLiteral("live_preview"), QJsonValue()},
                       {QStringLiteral("id_live_preview"), -1},
                       {QStringLiteral("textinfo"), queued ? QStringLiteral("In queue: %1/%2").arg(queuedAhead + 1).arg(queuedAll)
                                                           : QStringLiteral("Waiting...")}};
    if (!active)
        return FakeResponse::json(200, answer);
    const Sampling s = samplingOf(*mine, t);
    double progress = 0; // no 0.01 here, and nothing while job_count is -1
    if (s.jobCount > 0)
        progress += double(s.jobNo) / s.jobCount;
    if (s.steps > 0 && s.jobCount > 0)
        progress += 1.0 / s.jobCount * s.step / s.steps;
    answer.insert(QStringLiteral("progress"), qMin(progress, 1.0));
    const qint64 elapsed = t - mine->start;
    answer.insert(QStringLiteral("eta"), progress > 0 ? QJsonValue(elapsed / progress / 1000.0 - elapsed / 1000.0) : QJsonValue());
    answer.insert(QStringLiteral("textinfo"), QJsonValue());
    return FakeResponse::json(200, answer);
}

} // namespace vesper::test
