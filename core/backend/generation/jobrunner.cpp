#include "backend/generation/jobrunner.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "backend/db/writegate.h"
#include "backend/generation/generationservice.h"
#include "backend/generation/jobsink.h"
#include "backend/generation/keptimages.h"
#include "backend/generation/outputwriter.h"
#include "backend/generation/provider.h"
#include "backend/generation/providerregistry.h"
#include "backend/generation/referenceimages.h"
#include "backend/generation/remote/providerhttp.h"
#include "backend/generation/remote/remotesettings.h"
#include "backend/storage/objectstore.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/circuitbreaker.h"
#include "common/metrics.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>

namespace vesper::backend {
namespace {
constexpr qint64 kSecond = 1000000;

int envInt(const QProcessEnvironment &env, const char *name, int fallback, int min, int max)
{
    bool ok = false;
    const int value = env.value(QLatin1String(name)).toInt(&ok);
    return ok && value >= min && value <= max ? value : fallback;
}

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

} // namespace

const WorkerSettings &WorkerSettings::fromEnvironment()
{
    static const WorkerSettings settings = [] {
        const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        WorkerSettings s;
        s.workers = envInt(env, "VESPER_WORKERS", s.workers, 0, 256);
        s.leaseSeconds = envInt(env, "VESPER_JOB_LEASE_SECONDS", s.leaseSeconds, 2, 3600);
        s.timeoutSeconds = envInt(env, "VESPER_PROVIDER_TIMEOUT_SECONDS", s.timeoutSeconds, 1, 86400);
        s.maxAttempts = envInt(env, "VESPER_JOB_MAX_ATTEMPTS", s.maxAttempts, 1, 100);
        s.backoffMs = envInt(env, "VESPER_JOB_BACKOFF_MS", s.backoffMs, 10, 600000);
        return s;
    }();
    return settings;
}

JobRunner::JobRunner(Database &database, ObjectStore &store, const WorkerSettings &settings, QString owner,
                     const std::atomic<bool> &stopping)
    : m_database(database), m_store(store), m_settings(settings), m_owner(std::move(owner)), m_stopping(stopping), m_queue(database)
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
            failure.errorCode = QStringLiteral("INTERNAL_ERROR");
            failure.errorMessage = QStringLiteral("the server failed while running this generation");
            failure.transient = true;
            retryOrFail(job, failure);
        } catch (...) {
            // The lease expires and the job runs again.
        }
    } catch (...) {
    }
}

void JobRunner::runJob(const ClaimedJob &claimed)
{
    QSqlDatabase db = m_database.connection();
    JobTarget job;
    GenerationRequest request;
    QString status;
    bool cancelRequested = false;
    QStringList referenceIds;
    {
        // Scoped: on SQLite a statement left open keeps an old snapshot and a later write on this
        // connection would fail with "database is locked".
        SqlQuery q(db, QStringLiteral("SELECT g.user_id, g.session_id, g.project_id, g.model_id, g.prompt, g.negative_prompt, "
                                      "g.parameters, g.status, j.cancel_requested FROM generations g "
                                      "JOIN jobs j ON j.generation_id = g.id WHERE g.id = :g"));
        q.bind(QStringLiteral(":g"), claimed.generationId).exec();
        if (!q.next())
            return; // deleted with its generation
        job = JobTarget{claimed.generationId, q.text(0), q.text(1), q.text(2), q.text(3)};
        request.generationId = job.id;
        request.userId = job.userId;
        request.modelId = job.modelId;
        request.prompt = q.text(4);
        request.negativePrompt = q.text(5);
        const QJsonObject parameters = QJsonDocument::fromJson(q.text(6).toUtf8()).object();
        status = q.text(7);
        cancelRequested = q.boolean(8);
        request.aspectRatio = parameters.value(QStringLiteral("aspectRatio")).toString(QStringLiteral("1:1"));
        request.resolution = parameters.value(QStringLiteral("resolution")).toString().toInt();
        request.numOutputs = parameters.value(QStringLiteral("numOutputs")).toInt(1);
        request.seed = qint64(parameters.value(QStringLiteral("seed")).toDouble());
        for (const QJsonValue &id : parameters.value(QStringLiteral("referenceUploadIds")).toArray())
            referenceIds << id.toString();
    }

    if (GenerationService::isFinished(status)) {
        const WriteGate gate(m_database); // every SQLite write goes through the gate (writegate.h)
        JobQueue::remove(db, job.id);      // a worker died after committing the result
        return;
    }
    if (cancelRequested) {
        OutputWriter(m_database, m_store).finishCancelled(job, request.numOutputs);
        return;
    }
    if (claimed.attempts > claimed.maxAttempts) {
        GenerationService::finishUnsuccessful(m_database, m_store, job.id, QStringLiteral("failed"), QStringLiteral("PROVIDER_ERROR"),
                                              QStringLiteral("the generation did not finish after %1 attempts").arg(claimed.maxAttempts));
        return;
    }
    std::unique_ptr<Provider> provider = ProviderRegistry::create(job.modelId);
    if (!provider) {
        GenerationService::finishUnsuccessful(m_database, m_store, job.id, QStringLiteral("failed"), QStringLiteral("UNAVAILABLE"),
                                              QStringLiteral("this model is not available on this server"));
        return;
    }
    // A provider that keeps failing is left alone until its breaker lets a probe through.
    CircuitBreakers &breakers = CircuitBreakers::providers();
    bool probe = false;
    if (!breakers.allow(provider->id(), nowMicros(), &probe)) {
        // Waiting for the breaker is not an attempt: the job runs once the cooldown lets a probe through.
        m_queue.release(job.id, m_owner, qMax<qint64>(breakers.waitMicros(provider->id(), nowMicros()), kSecond / 2));
        return;
    }
    // Whatever way this run ends, a probe slot it took is given back (a no-op once an outcome is recorded).
    const ProbeSlot probeSlot{breakers, provider->id(), probe};
    const ReferenceImages references = loadReferenceImages(m_database, m_store, job.userId, referenceIds,
                                                           RemoteSettings::fromEnvironment().referenceFetchLimit);
    if (!references.ok) {
        GenerationService::finishUnsuccessful(m_database, m_store, job.id, QStringLiteral("failed"), QStringLiteral("REFERENCE_MISSING"),
                                              references.error);
        return;
    }
    request.referenceImages = references.images;
    if (!markProcessing(job.id))
        return;

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
    const bool asked = !result.ok; // only a call to the provider tells its breaker anything
    if (asked)
        result = provider->generate(request, sink);
    const QString labels = QStringLiteral("provider=\"%1\"").arg(provider->id());
    if (!result.busy)
        MetricsRegistry::instance().observe(QStringLiteral("vesper_job_duration_seconds"), labels, double(timer.nsecsElapsed()) / 1e9);

    const JobSink::Stop stop = sink.stop();
    if (stop == JobSink::Stop::LeaseLost) {
        // Another worker owns the job now, or it is gone: deleted while it ran, or ended without
        // outputs. Then what this run kept as it went (a call that finished late) goes too.
        if (!GenerationService::holdsFiles(m_database.connection(), job.id))
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
        result = badResponse(provider->id(), QStringLiteral("no images"));
    if (result.ok) {
        if (asked) {
            breakers.recordSuccess(provider->id());
            MetricsRegistry::instance().setGauge(QStringLiteral("vesper_provider_breaker_open"), labels, 0);
        }
        // Files go to the final keys before the committing transaction: first make sure no other
        // worker took the job while the provider ran (the lease then lasts long enough to write).
        if (!m_queue.extend(job.id, m_owner, m_settings.leaseSeconds)) {
            if (!GenerationService::holdsFiles(m_database.connection(), job.id))
                m_store.removeGeneration(job.userId, job.id);
            return;
        }
        OutputWriter(m_database, m_store).finish(job, images, wanted, QStringLiteral("completed"));
        return;
    }
    if (stop == JobSink::Stop::Cancelled) {
        // Images made before the cancel (kept as they came) stay with the generation, and only
        // the rest is refunded; with none it ends like any cancel.
        OutputWriter(m_database, m_store).finishCancelled(job, wanted);
        return;
    }
    if (stop == JobSink::Stop::TimedOut) {
        result.errorCode = QStringLiteral("TIMEOUT");
        result.errorMessage = QStringLiteral("the provider did not finish within %1 seconds").arg(m_settings.timeoutSeconds);
        result.transient = true;
    }
    MetricsRegistry::instance().addCounter(QStringLiteral("vesper_provider_errors_total"),
                                           labels + QStringLiteral(",kind=\"%1\"").arg(result.errorCode));
    if (result.transient) {
        breakers.recordFailure(provider->id(), nowMicros());
        const bool open = breakers.state(provider->id(), nowMicros()) != CircuitBreakers::State::Closed;
        MetricsRegistry::instance().setGauge(QStringLiteral("vesper_provider_breaker_open"), labels, open ? 1 : 0);
    } else {
        // A refusal or an unusable answer still shows the provider is up and answering.
        breakers.recordSuccess(provider->id());
        MetricsRegistry::instance().setGauge(QStringLiteral("vesper_provider_breaker_open"), labels, 0);
    }
    retryOrFail(claimed, result);
}

bool JobRunner::markProcessing(const QString &generationId)
{
    QSqlDatabase db = m_database.connection();
    Transaction tx(m_database, db);
    SqlQuery q(db, QStringLiteral("UPDATE generations SET status = 'processing', started_at = COALESCE(started_at, %1), rev = :rev "
                                  "WHERE id = :g AND status IN ('queued', 'processing')").arg(m_database.timeParam(QStringLiteral(":now"))));
    q.bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":rev"), tx.allocateRevs(1)).bind(QStringLiteral(":g"), generationId).exec();
    const bool updated = q.numRowsAffected() > 0;
    tx.commit();
    return updated;
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
    GenerationService::finishUnsuccessful(m_database, m_store, claimed.generationId, QStringLiteral("failed"),
                                          result.errorCode.isEmpty() ? QStringLiteral("PROVIDER_ERROR") : result.errorCode,
                                          result.errorMessage.isEmpty() ? QStringLiteral("the provider failed") : result.errorMessage);
}

} // namespace vesper::backend
