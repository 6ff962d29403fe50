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

} // namespace vesper::test
