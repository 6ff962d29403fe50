#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "backend/repositories/generationsettlement.h"
#include "domain/domainerror.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/ifmatch.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/revguard.h"
#include "backend/repositories/sessionrepository.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "backend/storage/objectstore.h"

namespace vesper::backend {
namespace {
constexpr int kNameMax = 200;

HttpResponse sessionResponse(ServerContext &context, int status, const QString &sessionId)
{
    auto session = SessionRepository(context.db).fetch(sessionId);
    if (!session)
        throw DomainError::notFound(QStringLiteral("session"));
    return rawJsonResponse(status, std::move(*session));
}

/// The owner may change any session; an editor only the sessions they created.
void requireSessionEditor(const SessionAccess &access, const QString &userId)
{
    if (access.project.isOwner())
        return;
    if (access.project.role == Role::Editor && access.creatorId == userId)
        return;
    throw DomainError::forbidden(QStringLiteral("only the project owner or the session's creator may change it"));
}

/// The session as it is now, for a 412's "current".
QJsonObject currentSession(ServerContext &context, const QString &sessionId)
{
    return QJsonDocument::fromJson(SessionRepository(context.db).fetch(sessionId).value_or(QByteArray("{}"))).object();
}
} // namespace

void addSessionRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/sessions"), [&context](RequestContext &rc) {
        const QString projectId = jsonbody::queryId(rc.request, QStringLiteral("projectId"));
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, projectId);
        return rawJsonResponse(200, "{\"data\":" + SessionRepository(context.db).list(access.projectId, access.isOwner()) + '}');
    });

    router.add("POST", QStringLiteral("/api/sessions"), [&context](RequestContext &rc) {
        IdempotentCreate idempotent(context, rc);
        if (auto replay = idempotent.replay())
            return *replay;
        const QJsonObject body = jsonbody::object(rc.request);
        // Who may create here depends on the project named, never on the other fields.
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, jsonbody::requiredId(body, QStringLiteral("projectId")));
        AccessControl::requireContributor(access);
        const QString name = jsonbody::requiredName(body, QStringLiteral("name"), kNameMax);
        const QString type = jsonbody::optionalString(body, QStringLiteral("type"), 10).value_or(QStringLiteral("image"));
        if (type != QLatin1String("image") && type != QLatin1String("video"))
            throw DomainError::validation(QStringLiteral("type must be image or video"));
        const bool isPrivate = jsonbody::optionalBool(body, QStringLiteral("isPrivate")).value_or(false);
        if (isPrivate)
            AccessControl::requireOwner(access);
        return idempotent.run([&] {
            const QString id = SessionRepository(context.db).create(access.projectId, rc.userId, name, type, isPrivate);
            return sessionResponse(context, 201, id);
        });
    });

    router.add("PATCH", QStringLiteral("/api/sessions/{id}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const SessionAccess access = acl.session(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        // The right to change the row comes first and from the row alone (DESIGN §3): an empty or
        // unknown body is refused like any other to whoever may not change the session.
        requireSessionEditor(access, rc.userId);
        const QJsonObject body = jsonbody::object(rc.request);
        const auto name = jsonbody::optionalName(body, QStringLiteral("name"), kNameMax);
        if (name && name->isEmpty())
            throw DomainError::validation(QStringLiteral("name must not be empty"));
        const auto isPrivate = jsonbody::optionalBool(body, QStringLiteral("isPrivate"));
        if (isPrivate)
            AccessControl::requireOwner(access.project); // stricter for this field, never looser
        RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
        guard.check(QStringLiteral("sessions"), access.sessionId, [&] { return currentSession(context, access.sessionId); });
        SessionRepository(context.db).update(access.sessionId, access.project.projectId, access.project.isShared, name, isPrivate);
        guard.commit();
        return sessionResponse(context, 200, access.sessionId);
    });

    router.add("DELETE", QStringLiteral("/api/sessions/{id}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const SessionAccess access = acl.session(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        requireSessionEditor(access, rc.userId);
        QList<GenerationFolder> folders;
        {
            RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
            guard.check(QStringLiteral("sessions"), access.sessionId, [&] { return currentSession(context, access.sessionId); });
            // Someone else's generations go with the session only when the project owner deletes it.
            folders = SessionRepository(context.db).remove(access.sessionId, access.project.projectId, access.project.ownerId,
                                                           access.project.isShared, access.isPrivate,
                                                           access.project.isOwner() ? QString() : rc.userId);
            guard.commit(); // files go only after the rows are gone for good
        }
        ObjectStore store(context.config.storagePath);
        GenerationSettlement::removeFolders(store, folders);
        return noContent();
    });
}

} // namespace vesper::backend
