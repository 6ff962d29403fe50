// The invitee's side of invitations (DESIGN §3): GET /api/invitations lists the ones waiting for the
// caller (by their id or their email), POST /api/invitations/{id}/accept makes the membership and
// POST /api/invitations/{id}/decline drops it. Someone else's invitation is 404, like a missing one.
#include "backend/access/accesscontrol.h"
#include "backend/context/servercontext.h"
#include "backend/http/responses.h"
#include "backend/http/router.h"
#include "backend/repositories/invitationrepository.h"
#include "backend/repositories/memberrepository.h"
#include "backend/routes/routes.h"
#include "domain/domainerror.h"

namespace vesper::backend {

void addInvitationRoutes(Router &router, ServerContext &context)
{
    router.add("GET", QStringLiteral("/api/invitations"), [&context](RequestContext &rc) {
        return jsonResponse(200, QJsonObject{{QStringLiteral("data"), InvitationRepository(context.db).listFor(rc.userId)}});
    });

    router.add("POST", QStringLiteral("/api/invitations/{id}/accept"), [&context](RequestContext &rc) {
        const auto accepted = InvitationRepository(context.db).accept(rc.userId, rc.param(QStringLiteral("id")));
        if (!accepted)
            throw DomainError::notFound(QStringLiteral("invitation"));
        // The caller's membership row, as the project's member list shows it.
        QJsonObject member = MemberRepository(context.db).fetch(accepted->projectId, rc.userId).value_or(QJsonObject());
        member.insert(QStringLiteral("projectId"), accepted->projectId);
        return jsonResponse(200, member);
    });

    router.add("POST", QStringLiteral("/api/invitations/{id}/decline"), [&context](RequestContext &rc) {
        if (!InvitationRepository(context.db).decline(rc.userId, rc.param(QStringLiteral("id"))))
            throw DomainError::notFound(QStringLiteral("invitation"));
        return noContent();
    });
}

} // namespace vesper::backend
