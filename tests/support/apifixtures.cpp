#include "apifixtures.h"

#include "replycheck.h"

#include <QDebug>

namespace vesper::test {

QString createProject(TestClient &client, const TestUser &owner, const QString &name, bool shared)
{
    const Reply reply = client.post(QStringLiteral("/api/projects"),
                                    {{QStringLiteral("name"), name}, {QStringLiteral("isShared"), shared}},
                                    owner.accessToken);
    if (reply.status != 201) {
        qWarning() << "create project failed:" << describe(reply);
        return {};
    }
    return reply.json.value(QStringLiteral("id")).toString();
}

QString firstSession(TestClient &client, const TestUser &user, const QString &projectId)
{
    const Reply reply = client.get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
    if (reply.status != 200 || reply.data().isEmpty()) {
        qWarning() << "list sessions failed:" << describe(reply);
        return {};
    }
    return reply.data().first().toObject().value(QStringLiteral("id")).toString();
}

Reply acceptInvitation(TestClient &client, const TestUser &member, const QString &invitationId)
{
    return client.post(QStringLiteral("/api/invitations/%1/accept").arg(invitationId), QJsonObject(), member.accessToken);
}

Reply addMember(TestClient &client, const TestUser &owner, const QString &projectId, const TestUser &member, const QString &role)
{
    const Reply invited = client.post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                                      {{QStringLiteral("email"), member.email}, {QStringLiteral("role"), role}}, owner.accessToken);
    if (invited.status == 200) // a member already: their role changed, nothing to accept
        return invited;
    if (invited.status != 201) {
        qWarning() << "invite failed:" << describe(invited);
        return invited;
    }
    const Reply accepted = acceptInvitation(client, member, invited.json.value(QStringLiteral("id")).toString());
    if (accepted.status != 200)
        qWarning() << "accept failed:" << describe(accepted);
    return accepted;
}

} // namespace vesper::test
