#include "backend/providers/a1111provider.h"
#include "backend/providers/a1111errors.h"
#include "backend/providers/a1111protocol.h"
#include "backend/providers/a1111task.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QUrl>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace vesper::backend {
namespace {
constexpr int kSliceMs = 100;       // how often the worker looks at the sink while it waits
constexpr int kPollTimeoutSeconds = 10;

/// The txt2img thread's only view of the job: a flag the worker sets. The job's own sink is not
/// thread-safe, so that thread never touches it.
class StopFlag final : public ProgressSink {
public:
    void progress(int, bool) override {}
    bool cancelled() const override { return stop.load(); }
    std::atomic<bool> stop{false};
};

/// The blocking txt2img call on its own thread; done() wakes the waiting worker at once.
struct Txt2ImgCall {
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    ProviderResponse response;

    bool waitFor(int ms)
    {
        std::unique_lock lock(mutex);
        return finished.wait_for(lock, std::chrono::milliseconds(ms), [this] { return done; });
    }
};

} // namespace

QString A1111Provider::endpointKey(const QString &url)
{
    QUrl parsed(url.trimmed());
    if (!parsed.isValid() || parsed.host().isEmpty())
        return url.trimmed();
    QString path = parsed.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const QString scheme = parsed.scheme().toLower();
    const int port = parsed.port(scheme == QLatin1String("https") ? 443 : 80);
    return QStringLiteral("%1://%2:%3%4").arg(scheme, parsed.host().toLower()).arg(port).arg(path);
}

namespace {
/// A web UI runs one txt2img at a time: a second job of ours would only wait on its queue lock,
/// holding a worker and a connection. One job per URL at a time; the others wait in our queue.
std::mutex &webUiLock(const QString &url)
{
    static std::mutex guard;
    static std::map<QString, std::unique_ptr<std::mutex>> locks;
    std::lock_guard lock(guard);
    std::unique_ptr<std::mutex> &entry = locks[url];
    if (!entry)
        entry = std::make_unique<std::mutex>();
    return *entry;
}

/// Someone pressed Interrupt or Skip in the web UI while our job ran: it answers 200 with the
/// partly denoised picture, which is not what was asked for.
ProviderResult stoppedByOther(const a1111::ProgressState &seen)
{
    ProviderResult result;
    result.errorCode = failureCodeName(FailureCode::Interrupted);
    const QString where = seen.samplingSteps > 0 ? QStringLiteral(" at step %1 of %2").arg(seen.samplingStep).arg(seen.samplingSteps) : QString();
    result.errorMessage = QStringLiteral("%1 stopped this generation%2 (%3 on the web UI); the unfinished image was not kept")
                              .arg(a1111::providerName(), where, seen.skipped ? QStringLiteral("Skip pressed") : QStringLiteral("Interrupt pressed"));
    return result;
}

} // namespace

ProviderResult A1111Provider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const ImageSize size = imageSizeFor(request.aspectRatio, request.resolution);
    if (size.width <= 0 || request.numOutputs < 1) {
        ProviderResult invalid;
        invalid.errorCode = failureCodeName(FailureCode::InvalidRequest);
        invalid.errorMessage = QStringLiteral("this size or count cannot be made by %1").arg(a1111::providerName());
        return invalid;
    }
    std::unique_lock busy(webUiLock(exclusiveEndpoint()), std::try_to_lock);
    if (!busy.owns_lock()) {
        ProviderResult waiting;
        waiting.busy = true;
        waiting.errorCode = failureCodeName(FailureCode::ProviderBusy);
        waiting.errorMessage = QStringLiteral("%1 is busy with another generation").arg(a1111::providerName());
        return waiting;
    }
    const int timeout = m_settings.timeoutSeconds;
    A1111Task task(m_settings.a1111Url, m_settings.pollMs, timeout);
    const QString base = task.apiBase();
    ProviderHttp poll(&sink, qMin(timeout, kPollTimeoutSeconds));
    task.noteBefore(poll);
    const QByteArray body = a1111::txt2imgBody(request, size, task.id());

    // txt2img blocks until the images are done, so it runs on a second thread while this one
    // polls progress and watches the sink (the web UI reports progress only to a separate call).
    StopFlag stopFlag;
    Txt2ImgCall call;
    std::thread txt2img([&call, &stopFlag, &body, url = QString(base + QStringLiteral("txt2img")), timeout] {
        ProviderHttp http(&stopFlag, timeout);
        ProviderResponse response = http.post(url, body);
        std::lock_guard lock(call.mutex);
        call.response = std::move(response);
        call.done = true;
        call.finished.notify_all();
    });

    bool cancelled = false;
    int waitedMs = 0;
    a1111::ProgressState ourLast; // the last reading while our job ran
    a1111::ProgressState stopped; // the reading that showed someone stopping it
    while (!call.waitFor(kSliceMs)) {
        if (sink.cancelled()) {
            cancelled = true;
            break;
        }
        waitedMs += kSliceMs;
        if (waitedMs < m_settings.pollMs)
            continue;
        waitedMs = 0;
        // Our task, asked about by id; the shared state only while it is ours.
        const a1111::ProgressState state = task.read(poll);
        if (!task.ours(state))
            continue;
        ourLast = state;
        if ((state.interrupted || state.skipped) && !stopped.valid)
            stopped = state;
        const int percent = a1111::progressPercent(state);
        if (percent > 0 && !stopped.valid)
            sink.progress(percent, false);
    }
    if (cancelled) {
        // Stop ours only (not the person's job that may hold the lock now), then our own call.
        ProviderHttp http(nullptr, kPollTimeoutSeconds);
        task.stop(http);
        stopFlag.stop = true;
    }
    txt2img.join();
    if (cancelled)
        return stoppedResult();

    const ProviderResponse &response = call.response;
    if (response.failure == ProviderResponse::Failure::Timeout) {
        ProviderHttp http(nullptr, kPollTimeoutSeconds);
        task.stop(http); // we gave up waiting, but the web UI may still run it, or run it later
    }
    if (!response.ok()) {
        qCWarning(lcProvider) << "a1111: txt2img failed:" << response.status << response.error;
        return a1111::failedTxt2Img(response);
    }
    if (!stopped.valid) {
        // Stopped between our last reading and the answer: the flags stay until the next job begins
        // (job_count is 0 between jobs: state.end() ran before our answer was sent).
        const a1111::ProgressState after = task.readWebUi(poll);
        const QString ourTimestamp = ourLast.valid && !ourLast.jobTimestamp.isEmpty() ? ourLast.jobTimestamp
                                                                                       : a1111::jobTimestampOf(response.body);
        const bool nextBegun = after.jobCount != 0;
        if (after.valid && (after.interrupted || after.skipped) && !nextBegun && !ourTimestamp.isEmpty() && after.jobTimestamp == ourTimestamp) {
            stopped = after;
            stopped.samplingStep = ourLast.samplingStep;
            stopped.samplingSteps = ourLast.samplingSteps;
        }
    }
    if (stopped.valid) {
        qCWarning(lcProvider) << "a1111: generation" << request.generationId << "was stopped on the web UI";
        return stoppedByOther(stopped);
    }
    ProviderResult result = a1111::imagesFrom(response.body, request.numOutputs);
    if (!result.ok)
        qCWarning(lcProvider) << "a1111: unusable answer:" << result.errorMessage;
    return result;
}

} // namespace vesper::backend
