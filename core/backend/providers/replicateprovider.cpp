#include "backend/providers/replicateprovider.h"
#include "backend/providers/replicateprotocol.h"
#include "backend/providers/providerhttp.h"
#include "common/logging.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QImageReader>
#include <QThread>
#include <QUrl>
#include <cmath>

namespace vesper::backend {
namespace {
constexpr int kSliceMs = 100;            // how often the sink is asked while waiting between polls
constexpr int kPollFailuresAllowed = 3;  // a poll that fails now and then is not worth a new prediction
constexpr double kExpectedSeconds = 8.0; // a typical FLUX prediction, for the estimated progress

ProviderResult stopped()
{
    ProviderResult result;
    result.errorCode = QStringLiteral("CANCELLED");
    result.errorMessage = QStringLiteral("the generation was stopped");
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
} // namespace

ProviderResult ReplicateProvider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    const QString name = replicate::providerName();
    const replicate::Create create = replicate::createCall(m_settings.replicateModel, request);
    if (!create.valid) {
        ProviderResult invalid;
        invalid.errorCode = QStringLiteral("UNAVAILABLE");
        invalid.errorMessage = QStringLiteral("the Replicate model is not set as owner/name on this server");
        return invalid;
    }
    const QByteArray bearer = "Bearer " + m_settings.replicateToken.toUtf8();
    ProviderHttp api(&sink, m_settings.timeoutSeconds);
    api.setHeader("Authorization", bearer);

    const ProviderResponse created = api.post(m_settings.replicateUrl + create.path, create.body);
    if (!created.ok()) {
        qCWarning(lcProvider) << "replicate: create failed:" << created.status << created.error;
        return failedCall(created, name);
    }
    replicate::Prediction prediction = replicate::parsePrediction(created.body);
    if (!prediction.valid)
        return badResponse(name, QStringLiteral("the new prediction has no id"));
    const QString predictionUrl = m_settings.replicateUrl + QStringLiteral("/v1/predictions/") + QString::fromUtf8(QUrl::toPercentEncoding(prediction.id));

    // The prediction runs (and is paid for) on Replicate until it ends or we cancel it.
    const auto cancel = [&] {
        ProviderHttp http(nullptr, 10); // the job's sink already says stop and would abort this call
        http.setHeader("Authorization", bearer);
        const ProviderResponse answer = http.post(predictionUrl + QStringLiteral("/cancel"), QByteArray());
        qCInfo(lcProvider) << "replicate: cancelled prediction" << prediction.id << "status" << answer.status;
    };

    QElapsedTimer clock;
    clock.start();
    int pollFailures = 0;
    while (prediction.status != QLatin1String("succeeded")) {
        if (prediction.status == QLatin1String("failed")) {
            ProviderResult failed;
            failed.errorCode = QStringLiteral("PROVIDER_ERROR");
            failed.errorMessage = prediction.error.isEmpty() ? QStringLiteral("Replicate could not make the image")
                                                             : QStringLiteral("Replicate could not make the image: ") + prediction.error;
            return failed;
        }
        if (prediction.status == QLatin1String("canceled")) {
            ProviderResult canceled;
            canceled.errorCode = QStringLiteral("PROVIDER_ERROR");
            canceled.errorMessage = QStringLiteral("the prediction was canceled on Replicate");
            return canceled;
        }
        if (prediction.logPercent > 0) {
            sink.progress(qMin(prediction.logPercent, 99), false);
        } else {
            // No progress bar yet (queued, or a model that logs none): a curve that slows as it nears 95.
            const double seconds = double(clock.elapsed()) / 1000.0;
            sink.progress(int(95.0 * (1.0 - std::exp(-seconds / kExpectedSeconds))), true);
        }
        if (!pause(sink, m_settings.pollMs)) {
            cancel();
            return stopped();
        }
        const ProviderResponse polled = api.get(predictionUrl);
        if (polled.failure == ProviderResponse::Failure::Cancelled) {
            cancel();
            return stopped();
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

    if (prediction.outputs.size() < request.numOutputs)
        return badResponse(name, QStringLiteral("%1 of %2 images came back").arg(prediction.outputs.size()).arg(request.numOutputs));
    // Files on the API's own host get the token; a CDN (replicate.delivery) must never see it.
    const QUrl apiOrigin(m_settings.replicateUrl);
    ProviderHttp cdn(&sink, m_settings.timeoutSeconds);
    ProviderResult result;
    for (int i = 0; i < request.numOutputs; ++i) {
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
        result.images.append(image);
    }
    result.ok = true;
    return result;
}

} // namespace vesper::backend
