#include "backend/catalog/modelcatalog.h"
#include "backend/db/database.h"
#include "backend/generation/generationservice.h"
#include "backend/generation/outputservice.h"
#include "backend/providers/providerregistry.h"
#include "backend/config/providersettingsstore.h"
#include "domain/domainerror.h"
#include "backend/http/fileresponse.h"
#include "backend/http/ifmatch.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/revguard.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "backend/storage/objectstore.h"
#include "common/jsonwriter.h"
#include "common/ratelimiter.h"
#include "common/uuid.h"

#include <QHash>
#include <QJsonArray>
#include <QRandomGenerator>
#include <cmath>

namespace vesper::backend {
namespace {
constexpr int kPromptMax = 4000;
constexpr int kClientIdMax = 100;
constexpr int kStatusIdsMax = 100;

bool isWholeNumber(const QJsonValue &value, double min, double max)
{
    return value.isDouble() && std::floor(value.toDouble()) == value.toDouble() && value.toDouble() >= min && value.toDouble() <= max;
}

/// Reads and checks a generate body against the model's catalogue entry.
GenerateRequest parseGenerate(const QJsonObject &body, const ServerContext &context)
{
    GenerateRequest r;
    r.sessionId = jsonbody::requiredId(body, QStringLiteral("sessionId"));
    r.modelId = jsonbody::requiredString(body, QStringLiteral("modelId"), 1, 100);
    r.prompt = jsonbody::requiredString(body, QStringLiteral("prompt"), 1, kPromptMax);
    r.negativePrompt = jsonbody::optionalString(body, QStringLiteral("negativePrompt"), kPromptMax).value_or(QString());
    r.clientId = jsonbody::requiredString(body, QStringLiteral("clientId"), 1, kClientIdMax);
    const QJsonObject model = context.catalog.find(r.modelId).value_or(QJsonObject());
    if (model.isEmpty())
        throw DomainError::validation(QStringLiteral("modelId: unknown model"));
    // Configured is enough: while a provider's breaker is open its jobs wait in the queue, and one of
    // them is the probe that closes it again. (The catalogue's "available" also says whether the breaker is closed.)
    if (!ProviderRegistry::supports(r.modelId, *context.providers.snapshot()))
        throw DomainError::validation(QStringLiteral("modelId: this model is not available on this server"));
    const QJsonValue parametersValue = body.value(QStringLiteral("parameters"));
    if (!parametersValue.isObject())
        throw DomainError::validation(QStringLiteral("parameters must be an object"));
    const QJsonObject parameters = parametersValue.toObject();
    r.aspectRatio = parameters.value(QStringLiteral("aspectRatio")).toString();
    if (!model.value(QStringLiteral("aspectRatios")).toArray().contains(r.aspectRatio))
        throw DomainError::validation(QStringLiteral("parameters.aspectRatio is not offered by this model"));
    const QJsonValue resolution = parameters.value(QStringLiteral("resolution"));
    r.resolution = resolution.isDouble() ? QString::number(resolution.toInt()) : resolution.toString();
    if (!model.value(QStringLiteral("resolutions")).toArray().contains(r.resolution))
        throw DomainError::validation(QStringLiteral("parameters.resolution is not offered by this model"));
    const int maxOutputs = model.value(QStringLiteral("maxOutputs")).toInt(1);
    const QJsonValue count = parameters.value(QStringLiteral("numOutputs"));
    if (!isWholeNumber(count, 1, maxOutputs))
        throw DomainError::validation(QStringLiteral("parameters.numOutputs must be a whole number from 1 to %1").arg(maxOutputs));
    r.numOutputs = count.toInt();
    const QJsonValue seed = parameters.value(QStringLiteral("seed"));
    if (seed.isUndefined() || seed.isNull())
        r.seed = QRandomGenerator::global()->bounded(2147483647); // stored, so a rerun paints the same images
    else if (isWholeNumber(seed, 0, 9007199254740991.0))
        r.seed = qint64(seed.toDouble());
    else
        throw DomainError::validation(QStringLiteral("parameters.seed must be a whole number from 0 to 2^53-1"));
    // DESIGN §4 puts them in parameters; a top-level copy is refused rather than silently ignored.
    if (body.contains(QStringLiteral("referenceUploadIds")))
        throw DomainError::validation(QStringLiteral("referenceUploadIds belongs in parameters"));
    const QJsonValue references = parameters.value(QStringLiteral("referenceUploadIds"));
    if (!references.isUndefined() && !references.isNull()) {
        const int maxReferences = model.value(QStringLiteral("maxReferenceImages")).toInt(0);
        if (!references.isArray())
            throw DomainError::validation(QStringLiteral("parameters.referenceUploadIds must be an array of upload ids"));
        if (references.toArray().size() > maxReferences)
            throw DomainError::validation(maxReferences == 0 ? QStringLiteral("parameters.referenceUploadIds: this model takes no reference images")
                                                          : QStringLiteral("parameters.referenceUploadIds: this model takes at most %1").arg(maxReferences));
        for (const QJsonValue &value : references.toArray()) {
            if (!value.isString() || !isUuid(value.toString()))
                throw DomainError::validation(QStringLiteral("parameters.referenceUploadIds: no such upload"));
            const QString id = value.toString().toLower();
            if (r.referenceUploadIds.contains(id))
                throw DomainError::validation(QStringLiteral("parameters.referenceUploadIds: an upload is listed twice"));
            r.referenceUploadIds.append(id);
        }
    }
    const qint64 unitCost = model.value(QStringLiteral("cost")).toInteger();
    r.cost = unitCost * r.numOutputs;
    return r;
}

QByteArray oneGeneration(ServerContext &context, const QString &userId, const QString &id)
{
    const QByteArray array = GenerationService(context.db).readJson(userId, {id});
    if (array.size() <= 2)
        throw DomainError::notFound(QStringLiteral("generation"));
    return array.mid(1, array.size() - 2);
}

QJsonObject jsonObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

HttpResponse fileResponse(ServerContext &context, RequestContext &rc)
{
    const OutputRef output = OutputService(context.db).find(rc.userId, rc.param(QStringLiteral("id")));
    const bool thumb = wantsThumbnail(rc.request);
    const QString key = thumb ? output.thumbKey : output.storageKey;
    if (key.isEmpty() || output.sha256.isEmpty())
        throw DomainError::notFound(QStringLiteral("file"));
    // The thumbnail is made deterministically from the original, so the original's hash names it too.
    const QByteArray etag = '"' + output.sha256.toLatin1() + (thumb ? "-thumb" : "") + '"';
    return storedFileResponse(rc.request, ObjectStore(context.config.storagePath), key, etag);
}
} // namespace

void addGenerateRoutes(Router &router, ServerContext &context)
{
    router.add("POST", QStringLiteral("/api/generate"), [&context](RequestContext &rc) {
        const GenerateRequest request = parseGenerate(jsonbody::object(rc.request), context);
        const SessionAccess access = AccessControl(context.db).session(context.db.connection(), rc.userId, request.sessionId);
        AccessControl::requireContributor(access.project);
        // Only a new generation counts against the limit: a resend of one already accepted (after
        // a timeout, say) is answered.
        const auto admit = [&context, &rc] {
            const int limit = context.config.generateRateLimit;
            if (limit <= 0)
                return;
            const RateDecision decision = context.rateLimits.hit(QStringLiteral("generate:") + rc.userId, limit, 60);
            if (!decision.allowed)
                throw DomainError::rateLimited(decision.retryAfterSeconds);
        };
        const SubmitResult result = GenerationService(context.db).submit(rc.userId, access, request,
                                                                        context.config.workers.maxAttempts, admit);
        if (result.created)
            context.wakeWorkers();
        JsonWriter w(160);
        w.beginObject().field("id", result.id).field("clientId", result.clientId).field("status", result.status)
            .field("cost", result.cost).field("credits", result.credits).endObject();
        return rawJsonResponse(result.created ? 202 : 200, w.take());
    });

    router.add("POST", QStringLiteral("/api/generations/status"), [&context](RequestContext &rc) {
        const QJsonValue value = jsonbody::object(rc.request).value(QStringLiteral("ids"));
        if (!value.isArray() || value.toArray().size() > kStatusIdsMax)
            throw DomainError::validation(QStringLiteral("ids must be an array of at most %1 ids").arg(kStatusIdsMax));
        QStringList ids;
        for (const QJsonValue &id : value.toArray()) {
            if (!id.isString() || !isUuid(id.toString()))
                throw DomainError::validation(QStringLiteral("ids must hold generation ids"));
            if (!ids.contains(id.toString().toLower()))
                ids << id.toString().toLower();
        }
        return rawJsonResponse(200, "{\"data\":" + GenerationService(context.db).readJson(rc.userId, ids) + '}');
    });

    router.add("GET", QStringLiteral("/api/generations/{id}"), [&context](RequestContext &rc) {
        const GenerationRef generation = GenerationService(context.db).find(rc.userId, rc.param(QStringLiteral("id")));
        return rawJsonResponse(200, oneGeneration(context, rc.userId, generation.id));
    });

    router.add("PUT", QStringLiteral("/api/generations/{id}/cancel"), [&context](RequestContext &rc) {
        GenerationService service(context.db);
        const GenerationRef generation = service.find(rc.userId, rc.param(QStringLiteral("id")));
        OutputService::requireOwnerOrCreator(generation.access, generation.userId, rc.userId);
        ObjectStore store(context.config.storagePath);
        service.cancel(generation, store);
        return rawJsonResponse(200, oneGeneration(context, rc.userId, generation.id));
    });

    router.add("DELETE", QStringLiteral("/api/generations/{id}"), [&context](RequestContext &rc) {
        GenerationService service(context.db);
        const GenerationRef generation = service.find(rc.userId, rc.param(QStringLiteral("id")));
        OutputService::requireOwnerOrCreator(generation.access, generation.userId, rc.userId);
        const auto expected = ifmatch::expectedRev(rc.request);
        ObjectStore store(context.config.storagePath);
        service.remove(generation, store, [&] {
            RevGuard::require(context.db, context.db.connection(), expected, QStringLiteral("generations"), generation.id,
                              [&] { return jsonObject(oneGeneration(context, rc.userId, generation.id)); });
        });
        return noContent();
    });

    router.add("GET", QStringLiteral("/api/outputs/{id}/file"), [&context](RequestContext &rc) { return fileResponse(context, rc); });

    router.add("PATCH", QStringLiteral("/api/outputs/{id}"), [&context](RequestContext &rc) {
        OutputService service(context.db);
        const OutputRef output = service.find(rc.userId, rc.param(QStringLiteral("id")));
        OutputService::requireOwnerOrCreator(output.access, output.creatorId, rc.userId); // before the body
        const auto starred = jsonbody::optionalBool(jsonbody::object(rc.request), QStringLiteral("isStarred"));
        if (!starred)
            throw DomainError::validation(QStringLiteral("isStarred is required"));
        RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
        guard.check(QStringLiteral("outputs"), output.id, [&] { return jsonObject(service.json(output.id)); });
        const QByteArray json = service.setStarred(output, *starred);
        guard.commit();
        return rawJsonResponse(200, json);
    });

    router.add("DELETE", QStringLiteral("/api/outputs/{id}"), [&context](RequestContext &rc) {
        OutputService service(context.db);
        const OutputRef output = service.find(rc.userId, rc.param(QStringLiteral("id")));
        OutputService::requireOwnerOrCreator(output.access, output.creatorId, rc.userId);
        const auto expected = ifmatch::expectedRev(rc.request);
        ObjectStore store(context.config.storagePath);
        service.remove(output, store, [&] {
            RevGuard::require(context.db, context.db.connection(), expected, QStringLiteral("outputs"), output.id,
                              [&] { return jsonObject(service.json(output.id)); });
        });
        return noContent();
    });
}

} // namespace vesper::backend
