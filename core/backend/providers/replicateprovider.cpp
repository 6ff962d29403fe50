#include "backend/providers/replicateprovider.h"
#include "backend/providers/replicatelookup.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QThread>
#include <QUrl>
#include <cmath>

namespace vesper::backend {
namespace {
constexpr int kSliceMs = 100;            // how often the sink is asked while waiting between polls
constexpr int kPollFailuresAllowed = 3;  // a poll that fails now and then is not worth a new prediction
constexpr double kExpectedSeconds = 8.0; // a typical FLUX prediction, for the estimated progress
constexpr int kThrottledMs = 10000;      // a throttled poll without Retry-After waits what Replicate's docs name
constexpr int kListDelayMs = 500;        // before looking for what an unanswered create made

ProviderResult stopped()
{
    ProviderResult result;
    result.errorCode = failureCodeName(FailureCode::Cancelled);
    result.errorMessage = QStringLiteral("the generation was stopped");
    return result;
}

ProviderResult finalError(const QString &message)
{
    ProviderResult result;
    result.errorCode = errorCodeName(ErrorCode::ProviderError);
    result.errorMessage = message;
    return result;
}

/// Waits ms while watching the sink; false when it says stop.
bool pause(ProgressSink &sink, int ms)
{
    for (int waited = 0; waited < ms; waited += kSliceMs) {
        if (sink.cancelled())
            return false;
        QThread::msleep(qMin(kSliceMs, ms - waited));
    }
    return !sink.cancelled();
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && a.port(-1) == b.port(-1);
}

/// A create that may have made a prediction although no answer said so.
bool unanswered(const ProviderResponse &response)
{
    using Failure = ProviderResponse::Failure;
    if (response.failure == Failure::Timeout || response.failure == Failure::Network || response.failure == Failure::Cancelled)
        return true;
    return response.failure == Failure::None && (response.status >= 500 || response.status == 408);
}

/// Why a succeeded prediction has fewer images than asked for, in the user's words.
QString withheldReason(const replicate::Prediction &prediction, int made, int wanted)
{
    const int missing = wanted - made;
    // FLUX drops each NSFW image, logs "Total safe images: X out of Y" and counts the rest in metrics.
    if (prediction.safeOf > 0 || prediction.imageCount >= 0)
        return QStringLiteral("%1 of %2 images %3 withheld by Replicate's safety filter")
            .arg(missing).arg(wanted).arg(missing == 1 ? QStringLiteral("was") : QStringLiteral("were"));
    return QStringLiteral("Replicate returned %1 of %2 images").arg(made).arg(wanted);
}
} // namespace

bool ReplicateProvider::findUnanswered(const replicate::Create &create, qint64 sinceMs, ProviderHttp &api,
                                       replicate::Prediction *prediction, ProviderResult *failure)
{
    // The account's newest predictions (100 a page) carry their input: ours is the one made with it.
    const ProviderResponse list = api.get(m_settings.replicateUrl + QStringLiteral("/v1/predictions"));
    if (!list.ok()) {
        *failure = failedCall(list, replicate::providerName());
        return false;
    }
    const replicate::Prediction found = replicate::findCreated(list.body, replicate::createdInput(create.body),
                                                               m_settings.replicateModel, sinceMs);
    if (!found.valid)
        return false;
    *prediction = found;
    return true;
}

bool ReplicateProvider::followEarlier(const QString &predictionId, ProviderHttp &api, replicate::Prediction *prediction,
                                      ProviderResult *failure, bool *follow)
{
    *follow = false;
    const ProviderResponse earlier = api.get(predictionUrl(predictionId));
    if (earlier.failure == ProviderResponse::Failure::None && earlier.status == 404)
        return true; // gone: nothing runs or is paid for under that id
    if (!earlier.ok()) {
        *failure = failedCall(earlier, replicate::providerName());
        return false; // cannot tell whether it still runs: creating now could pay twice
    }
    const replicate::Prediction found = replicate::parsePrediction(earlier.body);
    if (!found.valid)
        return true;
    // One still running, or done with its images, is this generation's; one that ended without
    // them (cancelled by the earlier attempt, failed) leaves room for a new one.
    if (!replicate::isFinal(found.status) || found.status == QLatin1String("succeeded")) {
        *prediction = found;
        *follow = true;
    }
    return true;
}

bool ReplicateProvider::start(const replicate::Create &create, const GenerationRequest &request, ProviderHttp &api,
                              ProgressSink &sink, replicate::Prediction *prediction, ProviderResult *failure)
{
    const QString name = replicate::providerName();
    const QString task = sink.providerTask();
    // An earlier attempt, here or on another instance, started a prediction: it is followed.
    if (const QString earlier = replicate::taskPrediction(task); !earlier.isEmpty()) {
        bool follow = false;
        if (!followEarlier(earlier, api, prediction, failure, &follow))
            return false;
        if (follow) {
            qCInfo(lcProvider) << "replicate: generation" << request.generationId << "follows prediction" << earlier
                               << "that an earlier attempt started";
            return true;
        }
    }
    // Replicate takes no idempotency key: after an earlier create of this generation went unanswered,
    // the prediction it may have made is looked for before another is created.
    if (const qint64 since = replicate::taskUnansweredSince(task)) {
        if (findUnanswered(create, since, api, prediction, failure)) {
            qCInfo(lcProvider) << "replicate: generation" << request.generationId << "follows prediction" << prediction->id
                               << "that an unanswered create made";
            sink.setProviderTask(replicate::predictionTask(prediction->id));
            return true;
        }
        if (!failure->errorCode.isEmpty())
            return false; // the list could not be read: creating now could pay twice
    }
    const qint64 startedMs = QDateTime::currentMSecsSinceEpoch();
    const ProviderResponse created = api.post(m_settings.replicateUrl + create.path, create.body);
    if (created.ok()) {
        *prediction = replicate::parsePrediction(created.body);
        if (!prediction->valid) {
            *failure = badResponse(name, QStringLiteral("the new prediction has no id"));
            return false;
        }
        if (!sink.setProviderTask(replicate::predictionTask(prediction->id)))
            qCWarning(lcProvider) << "replicate: prediction" << prediction->id << "could not be noted with its job";
        return true;
    }
    qCWarning(lcProvider) << "replicate: create failed:" << created.status << created.error;
    *failure = failedCall(created, name); // 429 and 4xx: nothing was made
    if (!unanswered(created))
        return false;
    sink.setProviderTask(replicate::unansweredTask(startedMs));
    if (created.failure == ProviderResponse::Failure::Cancelled || !pause(sink, kListDelayMs))
        return false;
    ProviderResult listFailure;
    if (findUnanswered(create, startedMs, api, prediction, &listFailure)) {
        qCInfo(lcProvider) << "replicate: the create answered" << created.status << "but made prediction" << prediction->id;
        sink.setProviderTask(replicate::predictionTask(prediction->id));
        return true;
    }
    // Not listed yet, or not made: the next attempt looks again before it creates.
    return false;
}

QString ReplicateProvider::predictionUrl(const QString &predictionId) const
{
    return m_settings.replicateUrl + QStringLiteral("/v1/predictions/") + QString::fromUtf8(QUrl::toPercentEncoding(predictionId));
}

ProviderResult ReplicateProvider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const QString name = replicate::providerName();
    const replicate::Create create = replicate::createCall(m_settings.replicateModel, request);
    if (!create.valid) {
        ProviderResult invalid;
        invalid.errorCode = errorCodeName(ErrorCode::Unavailable);
        invalid.errorMessage = QStringLiteral("the Replicate model is not set as owner/name on this server");
        return invalid;
    }
    const QByteArray bearer = "Bearer " + m_settings.replicateToken.toUtf8();
    ProviderHttp api(&sink, m_settings.timeoutSeconds);
    api.setHeader("Authorization", bearer);

    replicate::Prediction prediction;
    ProviderResult startFailure;
    if (!start(create, request, api, sink, &prediction, &startFailure))
        return startFailure;
    const QString predictionUrl = this->predictionUrl(prediction.id);

    // The prediction runs (and is paid for) on Replicate until it ends or we cancel it.
    const auto cancel = [&] {
        if (sink.leavesWorkRunning()) {
            qCInfo(lcProvider) << "replicate: prediction" << prediction.id << "left running for the job's next attempt";
            return;
        }
        ProviderHttp http(nullptr, 10); // the job's sink already says stop and would abort this call
        http.setHeader("Authorization", bearer);
        const ProviderResponse answer = http.post(predictionUrl + QStringLiteral("/cancel"), QByteArray());
        qCInfo(lcProvider) << "replicate: cancelled prediction" << prediction.id << "status" << answer.status;
    };

    QElapsedTimer clock;
    clock.start();
    int pollFailures = 0;
    int waitMs = m_settings.pollMs;
    while (!replicate::isFinal(prediction.status)) {
        if (prediction.logPercent > 0) {
            sink.progress(qMin(prediction.logPercent, 99), false);
        } else {
            // No progress bar yet (queued, or a model that logs none): a curve that slows as it nears 95.
            const double seconds = double(clock.elapsed()) / 1000.0;
            sink.progress(int(95.0 * (1.0 - std::exp(-seconds / kExpectedSeconds))), true);
        }
        if (!pause(sink, waitMs)) {
            cancel();
            return stopped();
        }
        waitMs = m_settings.pollMs;
        const ProviderResponse polled = api.get(predictionUrl);
        if (polled.failure == ProviderResponse::Failure::Cancelled) {
            cancel();
            return stopped();
        }
        if (polled.failure == ProviderResponse::Failure::None && polled.status == 429) {
            // A throttled poll (6 a minute without a payment method) says nothing about the prediction,
            // which keeps running and is paid for: wait as told and ask again, never start another.
            const int told = retryAfterSeconds(polled.headers.value("retry-after")) * 1000;
            waitMs = qMax(told > 0 ? told : kThrottledMs, m_settings.pollMs);
            qCInfo(lcProvider) << "replicate: poll of" << prediction.id << "throttled; next in" << waitMs << "ms";
            continue;
        }
        if (!polled.ok()) {
            const ProviderResult failure = failedCall(polled, name);
            if (failure.transient && ++pollFailures < kPollFailuresAllowed)
                continue;
            cancel();
            return failure;
        }
        pollFailures = 0;
        prediction = replicate::parsePrediction(polled.body);
        if (!prediction.valid) {
            cancel();
            return badResponse(name, QStringLiteral("a prediction answer is not JSON"));
        }
    }

    if (prediction.status == QLatin1String("failed"))
        return finalError(prediction.error.isEmpty() ? QStringLiteral("Replicate could not make the image")
                                                     : QStringLiteral("Replicate could not make the image: ") + prediction.error);
    if (prediction.status == QLatin1String("canceled"))
        return finalError(QStringLiteral("the prediction was canceled on Replicate"));
    if (prediction.status == QLatin1String("aborted"))
        return finalError(QStringLiteral("Replicate stopped the prediction because its deadline passed before it finished"));
    const ProviderResult result = download(prediction, qMax(1, request.numOutputs), api, sink);
    if (result.ok && !result.errorMessage.isEmpty())
        qCInfo(lcProvider) << "replicate: generation" << request.generationId << "kept fewer images:" << result.errorMessage;
    return result;
}

ProviderResult ReplicateProvider::download(const replicate::Prediction &prediction, int wanted, ProviderHttp &api, ProgressSink &sink)
{
    const QString name = replicate::providerName();
    const int made = qMin(int(prediction.outputs.size()), wanted);
    if (made == 0) {
        if (prediction.safeOf > 0 || prediction.imageCount == 0)
            return finalError(QStringLiteral("every image was withheld by Replicate's safety filter"));
        return badResponse(name, QStringLiteral("the prediction succeeded without images"));
    }
    // Files on the API's own host get the token; a CDN (replicate.delivery) must never see it.
    const QUrl apiOrigin(m_settings.replicateUrl);
    ProviderHttp cdn(&sink, m_settings.timeoutSeconds);
    ProviderResult result;
    for (int i = 0; i < made; ++i) {
        const QUrl url(prediction.outputs.at(i));
        // https (the CDN), or the API's own origin; plain http elsewhere only when the API itself is
        // plain http (a local or test deployment), never because a model's output names it.
        const bool own = url.isValid() && sameOrigin(url, apiOrigin);
        const bool secure = url.scheme() == QLatin1String("https")
                            || (url.scheme() == QLatin1String("http") && apiOrigin.scheme() == QLatin1String("http"));
        if (!url.isValid() || !(own || secure))
            return badResponse(name, QStringLiteral("output %1 is not an https address").arg(i + 1));
        ProviderResponse file = own ? api.get(url.toString()) : cdn.get(url.toString());
        if (!file.ok()) {
            qCWarning(lcProvider) << "replicate: download failed:" << file.status << file.error;
            file.body.clear(); // what another host answered is not repeated to the user
            return failedCall(file, name);
        }
        GeneratedImage image;
        if (!decodeProviderImage(file.body, &image))
            return badResponse(name, QStringLiteral("image %1 does not decode").arg(i + 1));
        image.index = i;
        result.images.append(image);
    }
    result.ok = true;
    // The images the model kept are paid for and stay; the settlement refunds the ones withheld.
    if (made < wanted)
        result.errorMessage = withheldReason(prediction, made, wanted);
    return result;
}

} // namespace vesper::backend
