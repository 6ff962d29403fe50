#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "domain/domainerror.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/memberrepository.h"
#include "backend/repositories/profilerepository.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/uuid.h"

namespace vesper::backend {

void addMemberRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/projects/{id}/members"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        return jsonResponse(200, QJsonObject{{QStringLiteral("data"), MemberRepository(context.db).list(access.projectId)}});
    });

    router.add("POST", QStringLiteral("/api/projects/{id}/members"), [&context](RequestContext &rc) {
        IdempotentCreate idempotent(context, rc);
        if (auto replay = idempotent.replay())
            return *replay;
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access); // before the body, as every write (DESIGN §3)
        const QJsonObject body = jsonbody::object(rc.request);
        const QString role = jsonbody::requiredString(body, QStringLiteral("role"), 1, 10);
        if (role != QLatin1String("viewer") && role != QLatin1String("editor"))
            throw DomainError::validation(QStringLiteral("role must be viewer or editor"));
        ProfileRepository profiles(context.db);
        std::optional<Profile> member;
        if (body.contains(QStringLiteral("userId"))) {
            member = profiles.findById(jsonbody::requiredId(body, QStringLiteral("userId")));
        } else {
            const QString email = jsonbody::requiredString(body, QStringLiteral("email"), 3, 254);
            member = profiles.findByEmail(email);
        }
        if (!member)
            throw DomainError::notFound(QStringLiteral("user"));
        if (member->id == access.ownerId)
            throw DomainError::validation(QStringLiteral("the owner is not a member of their own project"));
        return idempotent.run([&] {
            MemberRepository members(context.db);
            const bool created = members.upsert(access.projectId, access.isShared, member->id, role);
            return jsonResponse(created ? 201 : 200, members.fetch(access.projectId, member->id).value_or(QJsonObject()));
        });
    });

    router.add("DELETE", QStringLiteral("/api/projects/{id}/members/{userId}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        const QString userId = rc.param(QStringLiteral("userId")).toLower();
        // The owner removes anyone; a member may leave.
        if (!access.isOwner() && userId != rc.userId)
            AccessControl::requireOwner(access);
        if (!isUuid(userId) || !MemberRepository(context.db).remove(access.projectId, access.isShared, userId))
            throw DomainError::notFound(QStringLiteral("member"));
        return noContent();
    });
}

} // namespace vesper::backend
