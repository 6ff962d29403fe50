#include "backend/providers/a1111provider.h"
#include "backend/providers/a1111protocol.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QJsonDocument>
#include <QJsonObject>
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

/// A web UI runs one txt2img at a time and /interrupt stops whichever is running, so two of our jobs
/// on one web UI would interrupt and read the progress of each other: one job per URL at a time.
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

/// failedCall, plus the web UI's own detail: it puts the exception in "error" and the text in "errors".
ProviderResult failedTxt2Img(const ProviderResponse &response)
{
    ProviderResult result = failedCall(response, a1111::providerName());
    const QString errors = QJsonDocument::fromJson(response.body).object().value(QStringLiteral("errors")).toString().simplified();
    if (!errors.isEmpty() && !result.errorMessage.contains(errors))
        result.errorMessage += QStringLiteral(" (%1)").arg(errors.left(200));
    return result;
}

} // namespace

ProviderResult A1111Provider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const ImageSize size = imageSizeFor(request.aspectRatio, request.resolution);
    if (size.width <= 0 || request.numOutputs < 1) {
        ProviderResult invalid;
        invalid.errorCode = QStringLiteral("INVALID_REQUEST");
        invalid.errorMessage = QStringLiteral("this size or count cannot be made by %1").arg(a1111::providerName());
        return invalid;
    }
    std::unique_lock busy(webUiLock(m_settings.a1111Url), std::try_to_lock);
    if (!busy.owns_lock()) {
        ProviderResult waiting;
        waiting.busy = true;
        waiting.errorCode = QStringLiteral("PROVIDER_BUSY");
        waiting.errorMessage = QStringLiteral("%1 is busy with another generation").arg(a1111::providerName());
        return waiting;
    }
    const QString base = m_settings.a1111Url + QStringLiteral("/sdapi/v1/");
    const QByteArray body = a1111::txt2imgBody(request, size);

    // txt2img blocks until the images are done, so it runs on a second thread while this one
    // polls progress and watches the sink (the web UI reports progress only to a separate call).
    StopFlag stopFlag;
    Txt2ImgCall call;
    const int timeout = m_settings.timeoutSeconds;
    std::thread txt2img([&call, &stopFlag, &body, url = QString(base + QStringLiteral("txt2img")), timeout] {
        ProviderHttp http(&stopFlag, timeout);
        ProviderResponse response = http.post(url, body);
        std::lock_guard lock(call.mutex);
        call.response = std::move(response);
        call.done = true;
        call.finished.notify_all();
    });

    ProviderHttp poll(&sink, qMin(timeout, kPollTimeoutSeconds));
    const QString progressUrl = base + QStringLiteral("progress?skip_current_image=true");
    bool cancelled = false;
    int waitedMs = 0;
    while (!call.waitFor(kSliceMs)) {
        if (sink.cancelled()) {
            cancelled = true;
            break;
        }
        waitedMs += kSliceMs;
        if (waitedMs < m_settings.pollMs)
            continue;
        waitedMs = 0;
        const ProviderResponse progress = poll.get(progressUrl);
        const int percent = progress.ok() ? a1111::progressPercent(progress.body) : -1;
        if (percent > 0)
            sink.progress(percent, false);
    }
    const auto interrupt = [&] {
        qCInfo(lcProvider) << "a1111: interrupting generation" << request.generationId;
        const ProviderResponse answer = ProviderHttp(nullptr, 10).post(base + QStringLiteral("interrupt"), QByteArray());
        if (!answer.ok())
            qCWarning(lcProvider) << "a1111: interrupt failed:" << answer.status << answer.error;
    };
    if (cancelled) {
        // Stop the web UI's work, then our own call (the interrupted txt2img would answer anyway,
        // but a web UI that hangs would not).
        interrupt();
        stopFlag.stop = true;
    }
    txt2img.join();
    if (cancelled)
        return stoppedResult();

    const ProviderResponse &response = call.response;
    if (response.failure == ProviderResponse::Failure::Timeout)
        interrupt(); // we gave up waiting, but the web UI may still be busy with it
    if (!response.ok()) {
        qCWarning(lcProvider) << "a1111: txt2img failed:" << response.status << response.error;
        return failedTxt2Img(response);
    }
    ProviderResult result = a1111::imagesFrom(response.body, request.numOutputs);
    if (!result.ok)
        qCWarning(lcProvider) << "a1111: unusable answer:" << result.errorMessage;
    return result;
}

} // namespace vesper::backend
