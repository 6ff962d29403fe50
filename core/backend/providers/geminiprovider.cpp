#include "backend/providers/geminiprovider.h"
#include "backend/providers/geminicall.h"
#include "backend/providers/geminiprotocol.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QUrl>
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <vector>

namespace vesper::backend {
namespace {
constexpr int kParallelCalls = 2;  // Gemini's per-minute quotas are small; two keeps a 4-image job quick
constexpr int kWaitSliceMs = 100;  // how often the sink is asked while calls run

/// Progress of a job whose calls say nothing until they answer: finished images count whole, a
/// running call creeps towards (never reaching) its share on a curve whose time constant follows
/// the calls that finished so far, so the bar neither stalls nor jumps back.
class ProgressEstimate {
public:
    /// expectedSeconds: how long one image takes before any has finished (only the curve's shape).
    ProgressEstimate(int outputs, int kept, ProgressSink &sink, double expectedSeconds)
        : m_outputs(outputs), m_kept(kept), m_sink(sink), m_expectedMs(expectedSeconds * 1000) {}

    void finished(qint64 tookMs)
    {
        ++m_done;
        m_tookMs += tookMs;
        report(100.0 * (m_kept + m_done) / m_outputs, false);
    }

    void running(const std::vector<std::unique_ptr<GeminiCall>> &calls)
    {
        // About 90 % of a call's share after the time a call takes on average.
        const double expectedMs = m_done > 0 ? double(m_tookMs) / m_done : m_expectedMs;
        const double tau = qMax(1.0, expectedMs / 2.3);
        double share = m_kept + m_done;
        for (const auto &call : calls)
            share += qMin(0.95, 1.0 - std::exp(-double(call->elapsedMs()) / tau));
        report(100.0 * share / m_outputs, true);
    }

private:
    void report(double percent, bool estimate)
    {
        const int value = qBound(0, int(percent), 99);
        if (value <= m_reported)
            return;
        m_reported = value;
        m_sink.progress(value, estimate);
    }

    int m_outputs;
    int m_kept; // made by an earlier attempt
    ProgressSink &m_sink;
    double m_expectedMs;
    int m_done = 0;
    qint64 m_tookMs = 0;
    int m_reported = 0;
};

/// The calls in flight; on any return all are told to stop before the first is joined, so
/// stopping takes one curl progress tick (about a second), not one per call.
struct RunningCalls {
    std::vector<std::unique_ptr<GeminiCall>> calls;
    ~RunningCalls()
    {
        for (const auto &call : calls)
            call->stop();
    }
};

} // namespace

ProviderResult GeminiProvider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const int outputs = qMax(1, request.numOutputs);
    const QString url = m_settings.geminiUrl + QStringLiteral("/v1beta/models/")
        + QString::fromLatin1(QUrl::toPercentEncoding(m_settings.geminiModel)) + QStringLiteral(":generateContent");
    const QByteArray key = m_settings.geminiKey.toUtf8();
    const QJsonObject contents = gemini::contents(request);
    // One call per output still missing: those kept from an earlier attempt are not paid for again.
    QList<int> missing;
    for (int index = 0; index < outputs; ++index) {
        if (!request.keptIndexes.contains(index))
            missing << index;
    }
    qCInfo(lcProvider) << "gemini: generation" << request.generationId << "outputs" << outputs << "kept"
                       << outputs - missing.size() << "references" << request.referenceImages.size();

    QSemaphore done;
    RunningCalls calls; // stopped and joined on every return
    auto &running = calls.calls;
    QList<GeneratedImage> images;
    ProgressEstimate progress(outputs, outputs - missing.size(), sink, m_settings.geminiExpectedSeconds);
    int started = 0;
    // After a transient failure no call starts, but those running may finish: their images are
    // paid for and kept for the retry. A permanent failure ends the job, so it stops them at once.
    std::optional<ProviderResult> transientFailure;
    while (!running.empty() || (!transientFailure && images.size() < missing.size())) {
        while (!transientFailure && int(running.size()) < kParallelCalls && started < missing.size()) {
            const int index = missing.at(started);
            const QByteArray body = gemini::body(contents, request.aspectRatio, gemini::seedFor(request.seed, index));
            running.push_back(std::make_unique<GeminiCall>(index, url, key, body, m_settings.timeoutSeconds, &done));
            ++started;
        }
        if (sink.cancelled()) {
            // Gemini has no cancel endpoint: dropping the connection is the cancel.
            qCInfo(lcProvider) << "gemini: generation" << request.generationId << "stopped with" << running.size() << "calls open";
            return stoppedResult();
        }
        if (!done.tryAcquire(1, kWaitSliceMs)) {
            progress.running(running);
            continue;
        }
        auto it = std::find_if(running.begin(), running.end(), [](const auto &call) { return call->finished(); });
        if (it == running.end())
            continue; // cannot happen: a release follows the finished flag
        const std::unique_ptr<GeminiCall> call = std::move(*it);
        running.erase(it);
        const ProviderResponse &response = call->response();
        if (response.failure == ProviderResponse::Failure::Cancelled)
            return stoppedResult();
        ProviderResult failure;
        GeneratedImage image;
        if (!response.ok()) {
            failure = gemini::failed(response, m_settings.timeoutSeconds);
        } else if (gemini::readImage(response.body, &image, &failure)) {
            image.index = call->index();
            sink.imageReady(image); // kept, should a later call of this job fail
            images.append(image);
            qCInfo(lcProvider) << "gemini: image" << call->index() + 1 << "of" << outputs << "in" << call->elapsedMs() << "ms";
            progress.finished(call->elapsedMs());
            continue;
        }
        qCWarning(lcProvider) << "gemini: generation" << request.generationId << "call" << call->index() << "failed:"
                              << failure.errorCode << "HTTP" << response.status << "with" << running.size() << "calls open";
        if (!failure.transient)
            return failure; // the other call is stopped as `running` goes
        if (!transientFailure)
            transientFailure = failure;
    }
    if (transientFailure)
        return *transientFailure;
    std::sort(images.begin(), images.end(), [](const GeneratedImage &a, const GeneratedImage &b) { return a.index < b.index; });
    ProviderResult result;
    result.ok = true;
    result.images = images;
    return result;
}

} // namespace vesper::backend
