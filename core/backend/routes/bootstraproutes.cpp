#include "backend/catalog/modelcatalog.h"
#include "domain/domainerror.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/invitationrepository.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/projectrepository.h"
#include "backend/routes/routes.h"
#include "backend/skills/skillregistry.h"
#include "backend/context/servercontext.h"
#include "common/clock.h"
#include "common/jsonwriter.h"

namespace vesper::backend {

void addBootstrapRoutes(Router &router, ServerContext &context)
{
    // One round trip at start: who am I, what can I use, my first page of projects.
    router.add("GET", QStringLiteral("/api/bootstrap"), [&context](RequestContext &rc) {
        const auto profile = ProfileRepository(context.db).findById(rc.userId);
        if (!profile)
            throw DomainError::unauthorized(QStringLiteral("the profile of this token no longer exists"));
        const ProjectPage projects = ProjectRepository(context.db).listWithThumbnails(rc.userId, true, 20, std::nullopt);
        const BackendSettings &config = context.config;
        const QJsonObject limits{{QStringLiteral("maxJsonBytes"), config.maxJsonBytes},
                                 {QStringLiteral("maxUploadBytes"), config.maxUploadBytes},
                                 {QStringLiteral("requestsPerMinute"), config.rateLimitPerMinute},
                                 {QStringLiteral("generatePerMinute"), config.generateRateLimit},
                                 {QStringLiteral("downloadsPerMinute"), config.downloadRateLimitPerMinute},
                                 {QStringLiteral("invitationsPerHour"), config.inviteRateLimitPerHour},
                                 {QStringLiteral("uploadQuotaBytes"), config.uploadQuotaBytes},
                                 {QStringLiteral("uploadQuotaCount"), config.uploadQuotaCount},
                                 {QStringLiteral("referenceMaxPixels"), config.maxReferencePixels},
                                 {QStringLiteral("projectPageMax"), 50},
                                 {QStringLiteral("generationPageMax"), 50},
                                 {QStringLiteral("imagePageMax"), 100},
                                 {QStringLiteral("changesPageMax"), 1000}};
        QJsonObject me = profile->toJson();
        me.remove(QStringLiteral("username"));
        JsonWriter w(projects.data.size() + 4096);
        w.beginObject();
        w.key("profile").raw(QJsonDocument(me).toJson(QJsonDocument::Compact));
        w.key("models").raw(QJsonDocument(context.catalog.models()).toJson(QJsonDocument::Compact));
        w.key("projects").raw(pageJson(projects.data, projects.nextCursor));
        // Invitations waiting for an answer; their projects are not in `projects` until accepted.
        w.key("invitations").raw(QJsonDocument(InvitationRepository(context.db).listFor(rc.userId)).toJson(QJsonDocument::Compact));
        QJsonArray skills; // DESIGN §7: shipped and the user's, by id
        for (const SkillSummary &skill : context.skills->summaries())
            skills.append(skill.toJson());
        w.key("skills").raw(QJsonDocument(skills).toJson(QJsonDocument::Compact));
        w.key("limits").raw(QJsonDocument(limits).toJson(QJsonDocument::Compact));
        w.field("serverTime", formatTime(nowMicros()));
        w.endObject();
        return rawJsonResponse(200, w.take());
    });
}

} // namespace vesper::backend
