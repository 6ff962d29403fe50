#include "backend/providers/comfyuiprovider.h"
#include "backend/providers/comfyuihistory.h"
#include "backend/providers/comfyuiimages.h"
#include "backend/providers/comfyuiprogress.h"
#include "backend/providers/comfyuisocket.h"
#include "backend/providers/comfyuiworkflow.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>
#include <QUuid>

namespace vesper::backend {
namespace {
const QString kName = QStringLiteral("ComfyUI");
constexpr int kSliceMs = 50;            // how long one wait lasts between cancel checks
constexpr int kConnectWaitMs = 5000;    // a websocket that takes longer is not worth waiting for
constexpr int kSafetyPollMs = 5000;     // /history now and then even with events, in case one was missed
constexpr int kMaxFailedPolls = 3;      // history polls failing in a row before the run is given up
constexpr int kHistoryWaitMs = 5000;    // the history entry lagging the final event
constexpr int kStopTimeoutSeconds = 5;  // each of the interrupt and dequeue calls

ProviderResult failure(const QString &code, const QString &message, bool transient = false)
{
    ProviderResult result;
    result.errorCode = code;
    result.errorMessage = message;
    result.transient = transient;
    return result;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The time scale of the estimate: a few seconds per image per megapixel on a mid-range GPU.
double expectedSeconds(const ComfyUiInputs &inputs)
{
    const double megapixels = double(inputs.width) * inputs.height / 1e6;
    return 6.0 + 3.0 * inputs.batchSize * megapixels;
}
} // namespace

ProviderResult ComfyUiProvider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const ImageSize size = imageSizeFor(request.aspectRatio, request.resolution);
    if (size.width == 0)
        return failure(errorCodeName(ErrorCode::ProviderError), QStringLiteral("the aspect ratio or resolution is not valid"));
    const ComfyUiInputs inputs{request.prompt, request.negativePrompt, size.width, size.height,
                               qMax(1, request.numOutputs), request.seed, m_settings.comfyUiCheckpoint};
    QString error;
    const QJsonObject graph = m_settings.comfyUiWorkflow.isEmpty()
        ? ComfyUiWorkflow::standard(inputs)
        : ComfyUiWorkflow::fromFile(m_settings.comfyUiWorkflow, inputs, &error);
    if (graph.isEmpty()) {
        qCWarning(lcProvider) << "ComfyUI workflow unusable:" << error;
        return failure(errorCodeName(ErrorCode::ProviderError), error);
    }
    if (!request.referenceImages.isEmpty())
        qCInfo(lcProvider) << "ComfyUI: reference images are not used by a text-to-image workflow";

    // The events of a prompt go only to the client that queued it, so the socket comes first.
    const QString clientId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    ComfyUiSocket socket;
    const bool live = socket.open(ComfyUiSocket::eventUrl(m_settings.comfyUiUrl, clientId), kConnectWaitMs, sink);
    if (sink.cancelled())
        return stoppedResult();

    ProviderHttp http(&sink, m_settings.timeoutSeconds);
    const ProviderResponse queued = http.post(m_settings.comfyUiUrl + QStringLiteral("/prompt"),
                                          compact({{QStringLiteral("prompt"), graph}, {QStringLiteral("client_id"), clientId}}));
    if (!queued.ok()) {
        if (queued.failure == ProviderResponse::Failure::Cancelled || sink.cancelled())
            return stoppedResult();
        if (queued.failure == ProviderResponse::Failure::None && queued.status == 400)
            return failure(errorCodeName(ErrorCode::ProviderError),
                           QStringLiteral("ComfyUI refused the workflow: %1").arg(refusalMessage(queued.body)));
        return failedCall(queued, kName);
    }
    const QString promptId = QJsonDocument::fromJson(queued.body).object().value(QStringLiteral("prompt_id")).toString();
    if (promptId.isEmpty())
        return badResponse(kName, QStringLiteral("the queued prompt has no prompt_id"));
    qCInfo(lcProvider) << "ComfyUI prompt queued" << promptId << "generation" << request.generationId
                       << (live ? "with events" : "polling history");

    ComfyUiProgress progress(sink, ComfyUiWorkflow::samplerCount(graph), expectedSeconds(inputs));
    ComfyUiOutcome outcome;
    const ProviderResult waited = waitForRun(promptId, socket, http, progress, sink, &outcome);
    if (!waited.ok)
        return waited;

    // The request asked for numOutputs; a workflow that saves more keeps the first ones.
    const QList<ComfyUiImageRef> refs = outcome.images.mid(0, request.numOutputs);
    if (refs.size() < request.numOutputs)
        qCWarning(lcProvider) << "ComfyUI returned" << refs.size() << "of" << request.numOutputs << "images for" << promptId;
    ProviderResult result = ComfyUiImages::fetch(http, m_settings.comfyUiUrl, refs);
    if (!result.ok && sink.cancelled())
        return stoppedResult();
    return result;
}

ProviderResult ComfyUiProvider::waitForRun(const QString &promptId, ComfyUiSocket &socket, ProviderHttp &http,
                                           ComfyUiProgress &progress, ProgressSink &sink, ComfyUiOutcome *outcome)
{
    ProviderResult ok;
    ok.ok = true;
    bool running = false;       // ComfyUI said it started ours: a cancel must interrupt it
    bool ended = false;         // the final event arrived; only the history is left to read
    QElapsedTimer clock;
    clock.start();
    qint64 nextPoll = socket.isOpen() ? kSafetyPollMs : m_settings.pollMs;
    qint64 endedAt = 0;
    QJsonObject executed;       // node id → output of its "executed" event
    int failedPolls = 0;

    while (true) {
        if (sink.cancelled()) {
            stopPrompt(promptId, running);
            return stoppedResult();
        }
        if (socket.isOpen() && !ended) {
            for (const QJsonObject &message : socket.pump(kSliceMs)) {
                const QString type = message.value(QStringLiteral("type")).toString();
                const QJsonObject data = message.value(QStringLiteral("data")).toObject();
                // ComfyUI before 2024 sent progress as {value, max} only. Events other than the queue
                // "status" broadcast go to the client that queued the prompt, and this client queued
                // one: a progress without prompt_id once ours has started is ours.
                const bool legacyProgress = type == QLatin1String("progress") && running
                    && !data.contains(QStringLiteral("prompt_id"));
                if (data.value(QStringLiteral("prompt_id")).toString() != promptId && !legacyProgress)
                    continue; // another client's prompt, or a queue "status" broadcast
                if (type == QLatin1String("execution_start")) {
                    running = true;
                    progress.started();
                } else if (type == QLatin1String("progress")) {
                    running = true;
                    progress.step(data.value(QStringLiteral("node")).toVariant().toString(),
                                  data.value(QStringLiteral("value")).toDouble(), data.value(QStringLiteral("max")).toDouble());
                } else if (type == QLatin1String("executing")) {
                    running = true;
                    ended = ended || data.value(QStringLiteral("node")).isNull();
                } else if (type == QLatin1String("executed")) {
                    // An output node's images (also for a cached node): what the history will list.
                    executed.insert(data.value(QStringLiteral("node")).toVariant().toString(), data.value(QStringLiteral("output")));
                } else if (type == QLatin1String("execution_success")) {
                    ended = true;
                } else if (type == QLatin1String("execution_error")) {
                    qCWarning(lcProvider) << "ComfyUI prompt failed" << promptId;
                    return failure(errorCodeName(ErrorCode::ProviderError), executionErrorMessage(data));
                } else if (type == QLatin1String("execution_interrupted")) {
                    return failure(errorCodeName(ErrorCode::ProviderError), QStringLiteral("ComfyUI's run was interrupted on its server"), true);
                }
            }
            if (ended) {
                endedAt = clock.elapsed();
                nextPoll = endedAt;
            } else if (!socket.isOpen()) {
                qCInfo(lcProvider) << "ComfyUI websocket dropped; polling history for" << promptId;
                nextPoll = clock.elapsed();
            }
        } else {
            if (!ended)
                progress.estimate();
            QThread::msleep(quint64(qBound(qint64(1), nextPoll - clock.elapsed(), qint64(kSliceMs))));
        }
        if (clock.elapsed() < nextPoll)
            continue;

        const ProviderResponse history = http.get(m_settings.comfyUiUrl + QStringLiteral("/history/") + promptId);
        if (!history.ok()) {
            if (history.failure == ProviderResponse::Failure::Cancelled || sink.cancelled())
                continue; // the loop's first check stops the prompt
            // One lost poll (a proxy's 502, a slow answer) is no reason to give up a prompt that
            // runs; several in a row are, and then it is stopped, or the retry would queue it twice.
            if (++failedPolls < kMaxFailedPolls) {
                nextPoll = clock.elapsed() + m_settings.pollMs;
                continue;
            }
            stopPrompt(promptId, running);
            return failedCall(history, kName);
        }
        failedPolls = 0;
        *outcome = parseHistory(history.body, promptId);
        switch (outcome->state) {
        case ComfyUiOutcome::State::Succeeded:
            return ok;
        case ComfyUiOutcome::State::Failed:
            return failure(errorCodeName(ErrorCode::ProviderError), outcome->message);
        case ComfyUiOutcome::State::Interrupted:
            return failure(errorCodeName(ErrorCode::ProviderError), outcome->message, true);
        case ComfyUiOutcome::State::Unreadable:
            return badResponse(kName, outcome->message);
        case ComfyUiOutcome::State::Pending:
            break;
        }
        if (ended && clock.elapsed() - endedAt > kHistoryWaitMs) {
            // A busy server writes the history late; the executed events already named the images.
            if (!executed.isEmpty()) {
                *outcome = outcomeOfOutputs(executed);
                qCInfo(lcProvider) << "ComfyUI history late for" << promptId << "; using the executed events";
                if (outcome->state == ComfyUiOutcome::State::Succeeded)
                    return ok;
                return badResponse(kName, outcome->message);
            }
            return badResponse(kName, QStringLiteral("the finished prompt is missing from the history"));
        }
        nextPoll = clock.elapsed() + (socket.isOpen() && !ended ? kSafetyPollMs : m_settings.pollMs);
    }
}

void ComfyUiProvider::stopPrompt(const QString &promptId, bool knownRunning) const
{
    // The job's sink already says stop and would abort these calls at once: a client of their own.
    ProviderHttp http(nullptr, kStopTimeoutSeconds);
    bool running = knownRunning;
    if (!running) {
        // /interrupt on an older ComfyUI stops whatever runs, maybe someone else's prompt: ask first.
        const ProviderResponse queue = http.get(m_settings.comfyUiUrl + QStringLiteral("/queue"));
        const QJsonArray active = QJsonDocument::fromJson(queue.body).object().value(QStringLiteral("queue_running")).toArray();
        running = !queue.ok(); // unknown: a current ComfyUI only interrupts the prompt_id it is given
        for (const QJsonValue &item : active)
            running = running || item.toArray().at(1).toString() == promptId;
    }
    if (running) {
        const ProviderResponse interrupted = http.post(m_settings.comfyUiUrl + QStringLiteral("/interrupt"),
                                                   compact({{QStringLiteral("prompt_id"), promptId}}));
        if (!interrupted.ok())
            qCWarning(lcProvider) << "ComfyUI interrupt failed for" << promptId << interrupted.status << interrupted.error;
    }
    const ProviderResponse dequeued = http.post(m_settings.comfyUiUrl + QStringLiteral("/queue"),
                                            compact({{QStringLiteral("delete"), QJsonArray{promptId}}}));
    if (!dequeued.ok())
        qCWarning(lcProvider) << "ComfyUI dequeue failed for" << promptId << dequeued.status << dequeued.error;
    qCInfo(lcProvider) << "ComfyUI prompt stopped" << promptId << (running ? "(interrupted)" : "(dequeued)");
}

} // namespace vesper::backend
