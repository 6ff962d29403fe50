#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "backend/repositories/generationsettlement.h"
#include "domain/domainerror.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/ifmatch.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/projectrepository.h"
#include "backend/repositories/revguard.h"
#include "backend/repositories/sessionrepository.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "backend/storage/objectstore.h"
#include "common/jsonwriter.h"

namespace vesper::backend {
namespace {
constexpr int kNameMax = 200;
constexpr int kDescriptionMax = 2000;

HttpResponse projectResponse(ServerContext &context, int status, const ProjectAccess &access, bool includeSessions)
{
    ProjectRepository projects(context.db);
    const auto members = projects.fetchMembers(access.projectId, access.roleName());
    if (!members)
        throw DomainError::notFound(QStringLiteral("project"));
    JsonWriter w(members->size() + 64);
    w.beginObject().rawMembers(*members);
    if (includeSessions)
        w.key("sessions").raw(SessionRepository(context.db).list(access.projectId, access.isOwner()));
    w.endObject();
    return rawJsonResponse(status, w.take());
}

/// The project as the caller sees it now, for a 412's "current".
QJsonObject currentProject(ServerContext &context, const ProjectAccess &access)
{
    return QJsonDocument::fromJson(projectResponse(context, 200, access, false).body).object();
}
} // namespace

void addProjectRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/projects/with-thumbnails"), [&context](RequestContext &rc) {
        const int limit = jsonbody::queryInt(rc.request, QStringLiteral("limit"), 20, 1, 50);
        const QString scope = rc.request.hasQuery(QStringLiteral("scope")) ? rc.request.queryValue(QStringLiteral("scope"))
                                                                           : QStringLiteral("all");
        if (scope != QLatin1String("all") && scope != QLatin1String("mine"))
            throw DomainError::validation(QStringLiteral("scope must be mine or all"));
        ProjectRepository projects(context.db);
        const ProjectPage page = projects.listWithThumbnails(rc.userId, scope == QLatin1String("all"), limit, jsonbody::queryCursor(rc.request));
        return rawJsonResponse(200, pageJson(page.data, page.nextCursor));
    });

    router.add("POST", QStringLiteral("/api/projects"), [&context](RequestContext &rc) {
        IdempotentCreate idempotent(context, rc);
        if (auto replay = idempotent.replay())
            return *replay;
        const QJsonObject body = jsonbody::object(rc.request);
        const QString name = jsonbody::requiredName(body, QStringLiteral("name"), kNameMax);
        const QString description = jsonbody::optionalString(body, QStringLiteral("description"), kDescriptionMax).value_or(QString());
        const bool isShared = jsonbody::optionalBool(body, QStringLiteral("isShared")).value_or(false);
        // false: the client makes the first session itself (the app's welcome project)
        const bool firstSession = jsonbody::optionalBool(body, QStringLiteral("firstSession")).value_or(true);
        return idempotent.run([&] {
            const QString id = ProjectRepository(context.db).create(rc.userId, name, description, isShared, firstSession);
            ProjectAccess access{id, rc.userId, isShared, Role::Owner};
            return projectResponse(context, 201, access, false);
        });
    });

    router.add("GET", QStringLiteral("/api/projects/{id}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        const QString include = rc.request.queryValue(QStringLiteral("includeSessions"));
        return projectResponse(context, 200, access, include == QLatin1String("1") || include == QLatin1String("true"));
    });

    router.add("PATCH", QStringLiteral("/api/projects/{id}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access); // before the body: the right to change it never depends on its fields
        const QJsonObject body = jsonbody::object(rc.request);
        ProjectRepository::Changes changes;
        changes.name = jsonbody::optionalName(body, QStringLiteral("name"), kNameMax);
        if (changes.name && changes.name->isEmpty())
            throw DomainError::validation(QStringLiteral("name must not be empty"));
        changes.description = jsonbody::optionalString(body, QStringLiteral("description"), kDescriptionMax);
        changes.isShared = jsonbody::optionalBool(body, QStringLiteral("isShared"));
        RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
        guard.check(QStringLiteral("projects"), access.projectId, [&] { return currentProject(context, access); });
        ProjectRepository(context.db).update(access.projectId, changes);
        guard.commit();
        return projectResponse(context, 200, access, false);
    });

    router.add("DELETE", QStringLiteral("/api/projects/{id}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access);
        QList<GenerationFolder> folders;
        {
            RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
            guard.check(QStringLiteral("projects"), access.projectId, [&] { return currentProject(context, access); });
            folders = ProjectRepository(context.db).remove(access.projectId);
            guard.commit(); // files go only after the rows are gone for good
        }
        ObjectStore store(context.config.storagePath);
        GenerationSettlement::removeFolders(store, folders);
        return noContent();
    });
}

} // namespace vesper::backend
