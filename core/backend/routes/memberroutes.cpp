#include "backend/access/accesscontrol.h"
#include "backend/db/database.h"
#include "domain/domainerror.h"
#include "backend/http/idempotentcreate.h"
#include "backend/http/ifmatch.h"
#include "backend/http/jsonbody.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/auth/passwordhasher.h"
#include "backend/repositories/invitationrepository.h"
#include "backend/repositories/memberrepository.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/revguard.h"
#include "backend/routes/routes.h"
#include "backend/context/servercontext.h"
#include "common/ratelimiter.h"
#include "common/uuid.h"
#include "domain/textrules.h"

namespace vesper::backend {
namespace {
/// The member row as a 412 answer shows it: its JSON with the rev an If-Match must name.
QJsonObject currentMember(ServerContext &context, const QString &projectId, const QString &userId)
{
    MemberRepository members(context.db);
    QJsonObject member = members.fetch(projectId, userId).value_or(QJsonObject());
    if (const std::optional<qint64> rev = members.rev(projectId, userId))
        member.insert(QStringLiteral("rev"), *rev);
    return member;
}
} // namespace

void addMemberRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/projects/{id}/members"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        return jsonResponse(200, QJsonObject{{QStringLiteral("data"), MemberRepository(context.db).list(access.projectId)}});
    });

    // Adding a member invites them (DESIGN §3): the answer is the same whether or not an account
    // answers to the address and never names one; the membership starts when the invitee accepts.
    // Changing the role of someone who already accepted answers their member row, as before.
    router.add("POST", QStringLiteral("/api/projects/{id}/members"), [&context](RequestContext &rc) {
        IdempotentCreate idempotent(context, rc);
        if (auto replay = idempotent.replay())
            return *replay;
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access); // before the body, as every write (DESIGN §3)
        if (context.config.inviteRateLimitPerHour > 0) {
            // Its own bucket: invitations are how strangers get mail-like messages, so they are few.
            const RateDecision decision = context.rateLimits.hit(QStringLiteral("invite:") + rc.userId,
                                                                 context.config.inviteRateLimitPerHour, 3600);
            if (!decision.allowed)
                throw DomainError::rateLimited(decision.retryAfterSeconds);
        }
        const QJsonObject body = jsonbody::object(rc.request);
        const QString role = jsonbody::requiredString(body, QStringLiteral("role"), 1, 10);
        if (role != QLatin1String("viewer") && role != QLatin1String("editor"))
            throw DomainError::validation(QStringLiteral("role must be viewer or editor"));
        ProfileRepository profiles(context.db);
        std::optional<Profile> account;
        QString target;
        if (body.contains(QStringLiteral("userId"))) {
            const QString userId = jsonbody::requiredId(body, QStringLiteral("userId"));
            account = profiles.findById(userId);
            target = InvitationRepository::userTarget(userId);
        } else {
            const QString email = jsonbody::requiredString(body, QStringLiteral("email"), 3, 254);
            const std::optional<QString> normalized = credentials::normalizeEmail(email);
            if (!normalized)
                throw DomainError::validation(QStringLiteral("email is not an email address"));
            // The same rule as a new account's address: an invisible character would make an
            // invitation that looks addressed to someone else.
            if (const QString problem = textrules::emailProblem(*normalized); !problem.isEmpty())
                throw DomainError::validation(QStringLiteral("email ") + problem);
            account = profiles.findByEmail(*normalized);
            target = InvitationRepository::emailTarget(*normalized);
        }
        if (account && account->id == access.ownerId)
            throw DomainError::validation(QStringLiteral("the owner is not a member of their own project"));
        return idempotent.run([&] {
            MemberRepository members(context.db);
            if (account && members.fetch(access.projectId, account->id)) { // accepted already: a role change
                members.upsert(access.projectId, access.isShared, account->id, role);
                return jsonResponse(200, members.fetch(access.projectId, account->id).value_or(QJsonObject()));
            }
            return jsonResponse(201, InvitationRepository(context.db).invite(access.projectId, rc.userId, target, role));
        });
    });

    // The owner sees whom they invited and who has not answered yet (to withdraw or invite again).
    router.add("GET", QStringLiteral("/api/projects/{id}/invitations"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access);
        return jsonResponse(200, QJsonObject{{QStringLiteral("data"), InvitationRepository(context.db).listForProject(access.projectId)}});
    });

    // The owner withdraws an invitation that was not answered yet.
    router.add("DELETE", QStringLiteral("/api/projects/{id}/invitations/{invitationId}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        AccessControl::requireOwner(access);
        if (!InvitationRepository(context.db).withdraw(access.projectId, rc.param(QStringLiteral("invitationId"))))
            throw DomainError::notFound(QStringLiteral("invitation"));
        return noContent();
    });

    router.add("DELETE", QStringLiteral("/api/projects/{id}/members/{userId}"), [&context](RequestContext &rc) {
        AccessControl acl(context.db);
        const ProjectAccess access = acl.project(context.db.connection(), rc.userId, rc.param(QStringLiteral("id")));
        const QString userId = rc.param(QStringLiteral("userId")).toLower();
        // The owner removes anyone; a member may leave.
        if (!access.isOwner() && userId != rc.userId)
            AccessControl::requireOwner(access);
        if (!isUuid(userId))
            throw DomainError::notFound(QStringLiteral("member"));
        // A removal queued offline against an older rev (a role changed since) is refused with 412.
        MemberRepository members(context.db);
        RevGuard guard(context.db, ifmatch::expectedRev(rc.request));
        guard.checkMember(access.projectId, userId, [&] { return currentMember(context, access.projectId, userId); });
        if (!members.remove(access.projectId, access.isShared, userId))
            throw DomainError::notFound(QStringLiteral("member"));
        guard.commit();
        return noContent();
    });
}

} // namespace vesper::backend
