#include "backend/generation/jobrunner.h"
#include "backend/config/providersettingsstore.h"
#include "backend/db/advisorylock.h"
#include "backend/db/database.h"
#include "backend/db/writegate.h"
#include "backend/generation/jobsink.h"
#include "backend/generation/keptimages.h"
#include "backend/generation/outputwriter.h"
#include "backend/generation/referenceimages.h"
#include "backend/providers/provider.h"
#include "backend/providers/providerhttp.h"
#include "backend/providers/providerregistry.h"
#include "backend/repositories/generationsettlement.h"
#include "backend/storage/objectstore.h"
#include "common/circuitbreaker.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/metrics.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace vesper::backend {
namespace {
constexpr qint64 kSecond = 1000000;

/// Gives a half-open breaker's probe slot back when the probe's run ends without an outcome for the
/// provider (cancelled, shut down, lease lost); after a recorded outcome it changes nothing. Only
/// the run that took the slot holds one: another run's end must not free a probe still running.
struct ProbeSlot {
    CircuitBreakers &breakers;
    QString key;
    bool held;
    ~ProbeSlot()
    {
        if (held)
            breakers.abandon(key);
    }
};

/// The request a job asks its provider for, from the stored generation.
GenerationRequest requestOf(const QString &generationId, const JobRecord &record, QStringList *referenceIds)
{
    GenerationRequest request;
    request.generationId = generationId;
    request.userId = record.userId;
    request.modelId = record.modelId;
    request.prompt = record.prompt;
    request.negativePrompt = record.negativePrompt;
    const QJsonObject parameters = QJsonDocument::fromJson(record.parametersJson.toUtf8()).object();
    request.aspectRatio = parameters.value(QStringLiteral("aspectRatio")).toString(QStringLiteral("1:1"));
    request.resolution = parameters.value(QStringLiteral("resolution")).toString().toInt();
    request.numOutputs = parameters.value(QStringLiteral("numOutputs")).toInt(1);
    request.seed = qint64(parameters.value(QStringLiteral("seed")).toDouble());
    for (const QJsonValue &id : parameters.value(QStringLiteral("referenceUploadIds")).toArray())
        *referenceIds << id.toString();
    return request;
}
} // namespace

JobRunner::JobRunner(Database &database, ObjectStore &store, const WorkerSettings &settings, const ProviderSettingsStore &providers,
                     CircuitBreakers &breakers, QString owner, const std::atomic<bool> &stopping)
    : m_database(database), m_store(store), m_settings(settings), m_providers(providers), m_breakers(breakers),
      m_owner(std::move(owner)), m_stopping(stopping), m_queue(database)
{
}

void JobRunner::run(const ClaimedJob &job) noexcept
{
    try {
        runJob(job);
    } catch (const std::exception &e) {
        qCWarning(lcServer) << "job failed inside the worker" << job.generationId << e.what();
        try {
            ProviderResult failure;
            failure.errorCode = errorCodeName(ErrorCode::Internal);
            failure.errorMessage = QStringLiteral("the server failed while running this generation");
            failure.transient = true;
            retryOrFail(job, failure);
        } catch (...) {
            // The lease expires and the job runs again.
        }
    } catch (...) {
    }
}

bool JobRunner::settleBeforeRun(const ClaimedJob &claimed, const JobTarget &job, const JobRecord &record, int numOutputs)
{
    if (vesper::isFinished(record.status)) {
        const WriteGate gate(m_database); // every SQLite write goes through the gate (writegate.h)
        JobQueue::remove(m_database.connection(), job.id); // a worker died after committing the result
        return true;
    }
    if (record.cancelRequested) {
        OutputWriter(m_database, m_store).finishCancelled(job, numOutputs);
        return true;
    }
    if (claimed.attempts > claimed.maxAttempts) {
        GenerationSettlement::finishUnsuccessful(m_database, m_store, job.id, GenerationStatus::Failed, errorCodeName(ErrorCode::ProviderError),
                                                 QStringLiteral("the generation did not finish after %1 attempts").arg(claimed.maxAttempts));
        return true;
    }
    return false;
}

void JobRunner::runJob(const ClaimedJob &claimed)
{
    const std::optional<JobRecord> record = m_queue.load(claimed.generationId);
    if (!record)
        return; // deleted with its generation
    const JobTarget job{claimed.generationId, record->userId, record->sessionId, record->projectId, record->modelId};
    QStringList referenceIds;
    GenerationRequest request = requestOf(job.id, *record, &referenceIds);
    if (settleBeforeRun(claimed, job, *record, request.numOutputs))
        return;
    // The provider settings of this run: a change made while it runs applies from the next job on.
    const std::shared_ptr<const ProviderSettings> settings = m_providers.snapshot();
    std::unique_ptr<Provider> provider = ProviderRegistry::create(job.modelId, *settings);
    if (!provider) {
        GenerationSettlement::finishUnsuccessful(m_database, m_store, job.id, GenerationStatus::Failed, errorCodeName(ErrorCode::Unavailable),
                                                 QStringLiteral("this model is not available on this server"));
        return;
    }
    // A provider that keeps failing is left alone until its breaker lets a probe through.
    bool probe = false;
    if (!m_breakers.allow(provider->id(), nowMicros(), &probe)) {
        // Waiting for the breaker is not an attempt: the job runs once the cooldown lets a probe through.
        m_queue.release(job.id, m_owner, qMax<qint64>(m_breakers.waitMicros(provider->id(), nowMicros()), kSecond / 2));
        return;
    }
    // Whatever way this run ends, a probe slot it took is given back (a no-op once an outcome is recorded).
    const ProbeSlot probeSlot{m_breakers, provider->id(), probe};
    const ReferenceImages references = loadReferenceImages(m_database, m_store, job.userId, referenceIds, settings->referenceFetchLimit);
    if (!references.ok) {
        GenerationSettlement::finishUnsuccessful(m_database, m_store, job.id, GenerationStatus::Failed,
                                                 failureCodeName(FailureCode::ReferenceMissing), references.error);
        return;
    }
    request.referenceImages = references.images;
    if (!m_queue.markProcessing(job.id))
        return;
    runProvider(claimed, job, *provider, request);
}

void JobRunner::runProvider(const ClaimedJob &claimed, const JobTarget &job, Provider &provider, GenerationRequest &request)
{
    // Images an earlier attempt made and kept are not asked for (nor paid for) again.
    const int wanted = qMax(1, request.numOutputs);
    KeptImages keptImages(m_store, job.userId, job.id);
    const QMap<int, GeneratedImage> kept = keptImages.load(wanted);
    request.keptIndexes = kept.keys();
    JobSink sink(m_database, m_queue, job.id, m_owner, m_settings, m_stopping);
    sink.setKeptImages(&keptImages);
    QElapsedTimer timer;
    timer.start();
    ProviderResult result;
    result.ok = kept.size() == wanted; // all made before the last attempt ended: nothing to ask
    const bool asked = !result.ok;     // only a call to the provider tells its breaker anything
    // One job per endpoint for a provider that takes one at a time, whichever instance runs it:
    // while another holds it, the job goes back to the queue as no attempt, like a busy answer.
    std::optional<AdvisoryLock> endpoint;
    if (asked && !provider.exclusiveEndpoint().isEmpty()) {
        endpoint.emplace(AdvisoryLock::tryTake(m_database, QStringLiteral("vesper.endpoint:") + provider.exclusiveEndpoint()));
        if (!endpoint->held()) {
            m_queue.release(job.id, m_owner, kSecond);
            return;
        }
    }
    if (asked)
        result = provider.generate(request, sink);
    endpoint.reset(); // the endpoint is free as soon as its call returns
    const QString labels = QStringLiteral("provider=\"%1\"").arg(provider.id());
    if (!result.busy)
        MetricsRegistry::instance().observe(QStringLiteral("vesper_job_duration_seconds"), labels, double(timer.nsecsElapsed()) / 1e9);

    const JobSink::Stop stop = sink.stop();
    if (stop == JobSink::Stop::LeaseLost) {
        // Another worker owns the job now, or it is gone: deleted while it ran, or ended without
        // outputs. Then what this run kept as it went (a call that finished late) goes too.
        if (!GenerationSettlement::holdsFiles(m_database.connection(), job.id))
            m_store.removeGeneration(job.userId, job.id);
        return;
    }
    if (stop == JobSink::Stop::Shutdown && !result.ok) {
        m_queue.release(job.id, m_owner);
        return;
    }
    if (result.busy && stop == JobSink::Stop::None) {
        m_queue.release(job.id, m_owner, kSecond); // asked again in a second, as no attempt
        return;
    }
    QList<GeneratedImage> images;
    if (result.ok)
        images = keptImages.merge(kept, result.images, wanted);
    if (result.ok && images.isEmpty())
        result = badResponse(provider.id(), QStringLiteral("no images"));
    if (result.ok) {
        if (asked)
            recordHealth(provider.id(), result);
        // Files go to the final keys before the committing transaction: first make sure no other
        // worker took the job while the provider ran (the lease then lasts long enough to write).
        if (!m_queue.extend(job.id, m_owner, m_settings.leaseSeconds)) {
            if (!GenerationSettlement::holdsFiles(m_database.connection(), job.id))
                m_store.removeGeneration(job.userId, job.id);
            return;
        }
        // A result with fewer images may say why (Replicate's safety filter): the user sees it.
        OutputWriter(m_database, m_store).finish(job, images, wanted, GenerationStatus::Completed, result.errorMessage);
        return;
    }
    if (stop == JobSink::Stop::Cancelled) {
        // Images made before the cancel (kept as they came) stay with the generation, and only
        // the rest is refunded; with none it ends like any cancel.
        OutputWriter(m_database, m_store).finishCancelled(job, wanted);
        return;
    }
    if (stop == JobSink::Stop::TimedOut) {
        result.errorCode = failureCodeName(FailureCode::Timeout);
        result.errorMessage = QStringLiteral("the provider did not finish within %1 seconds").arg(m_settings.timeoutSeconds);
        result.transient = true;
    }
    MetricsRegistry::instance().addCounter(QStringLiteral("vesper_provider_errors_total"),
                                           labels + QStringLiteral(",kind=\"%1\"").arg(result.errorCode));
    recordHealth(provider.id(), result);
    retryOrFail(claimed, result);
}

void JobRunner::recordHealth(const QString &providerId, const ProviderResult &result)
{
    // A quota is not an outage: a 429 says nothing about the provider's health either way (a half-open
    // breaker's probe slot goes back through ProbeSlot), so rate-limited calls never open a breaker.
    if (!result.ok && result.errorCode == errorCodeName(ErrorCode::RateLimited))
        return;
    const QString labels = QStringLiteral("provider=\"%1\"").arg(providerId);
    if (result.ok || !result.transient) {
        // A refusal or an unusable answer still shows the provider is up and answering.
        m_breakers.recordSuccess(providerId);
        MetricsRegistry::instance().setGauge(QStringLiteral("vesper_provider_breaker_open"), labels, 0);
        return;
    }
    m_breakers.recordFailure(providerId, nowMicros());
    const bool open = m_breakers.state(providerId, nowMicros()) != CircuitBreakers::State::Closed;
    MetricsRegistry::instance().setGauge(QStringLiteral("vesper_provider_breaker_open"), labels, open ? 1 : 0);
}

void JobRunner::retryOrFail(const ClaimedJob &claimed, const ProviderResult &result)
{
    if (result.transient && claimed.attempts < claimed.maxAttempts) {
        // Exponential backoff with jitter, at least what the provider asked for.
        const qint64 base = qMin<qint64>(60 * kSecond, qint64(m_settings.backoffMs) * 1000 << qMin(claimed.attempts - 1, 5));
        qint64 delay = base * (75 + QRandomGenerator::global()->bounded(50)) / 100;
        delay = qMax(delay, qint64(result.retryAfterSeconds) * kSecond);
        m_queue.retryLater(claimed.generationId, m_owner, delay, result.errorCode);
        return;
    }
    QString message = result.errorMessage.isEmpty() ? QStringLiteral("the provider failed") : result.errorMessage;
    if (result.transient && result.errorCode == QLatin1String("RATE_LIMITED")) {
        // The provider's wait ends after the last attempt: say that nothing waits for it any more.
        message += claimed.attempts == 1 ? QStringLiteral("; gave up after 1 attempt")
                                         : QStringLiteral("; gave up after %1 attempts").arg(claimed.attempts);
    }
    GenerationSettlement::finishUnsuccessful(m_database, m_store, claimed.generationId, GenerationStatus::Failed,
                                             result.errorCode.isEmpty() ? errorCodeName(ErrorCode::ProviderError) : result.errorCode, message);
}

} // namespace vesper::backend
