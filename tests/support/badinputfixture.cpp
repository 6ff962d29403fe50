#include "badinputfixture.h"
#include "apifixtures.h"

#include "replycheck.h"

#include <QJsonArray>
#include <QTest>

namespace vesper::test {

const QByteArray kJwtSecret = "badinput-secret-badinput-secret-badinput-0123456789";

void BadInputFixture::startServer()
{
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_JWT_SECRET"), QString::fromLatin1(kJwtSecret));
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0")); // not what these suites measure
    m_server->setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    QVERIFY2(m_data->isOpen(), qPrintable(m_data->lastError()));

    m_owner = newUser(QStringLiteral("owner"), QStringLiteral("Owner"));
    m_member = newUser(QStringLiteral("member"), QStringLiteral("Member"));
    QVERIFY(!m_owner.id.isEmpty() && !m_member.id.isEmpty());
    Reply reply = m_client->post(QStringLiteral("/api/projects"),
                                 {{QStringLiteral("name"), QStringLiteral("Fixture")}, {QStringLiteral("isShared"), true}},
                                 m_owner.accessToken);
    EXPECT_STATUS(reply, 201);
    m_project = reply.json.value(QStringLiteral("id")).toString();
    EXPECT_STATUS(addMember(*m_client, m_owner, m_project, m_member, QStringLiteral("editor")), 200);
    reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + m_project, m_owner.accessToken);
    EXPECT_STATUS(reply, 200);
    QVERIFY(!reply.data().isEmpty());
    m_session = reply.data().first().toObject().value(QStringLiteral("id")).toString();
}

void BadInputFixture::stopServer()
{
    m_data.reset();
    m_client.reset();
    m_server.reset();
}

TestUser BadInputFixture::newUser(const QString &tag, const QString &displayName)
{
    return m_client->signUp(QStringLiteral("%1-%2@badinput.example.com").arg(tag).arg(++m_users),
                            QStringLiteral("correct horse battery"), displayName);
}

int BadInputFixture::projectCount(const TestUser &user)
{
    const Reply reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=mine"), user.accessToken);
    return reply.status == 200 ? int(reply.data().size()) : -1;
}

int BadInputFixture::sessionCount(const TestUser &user, const QString &projectId)
{
    const Reply reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
    return reply.status == 200 ? int(reply.data().size()) : -1;
}

QByteArray BadInputFixture::fill(QByteArray body) const
{
    body.replace("%PROJECT%", m_project.toLatin1());
    body.replace("%SESSION%", m_session.toLatin1());
    body.replace("%MEMBER_EMAIL%", m_member.email.toLatin1());
    body.replace("%MEMBER_ID%", m_member.id.toLatin1());
    return body;
}

QString BadInputFixture::fill(QString path) const
{
    return QString::fromLatin1(fill(path.toLatin1()));
}

QList<QPair<QByteArray, QString>> BadInputFixture::bodyEndpoints()
{
    return {{"POST", QStringLiteral("/api/projects")},
            {"PATCH", QStringLiteral("/api/projects/%PROJECT%")},
            {"POST", QStringLiteral("/api/sessions")},
            {"PATCH", QStringLiteral("/api/sessions/%SESSION%")},
            {"POST", QStringLiteral("/api/projects/%PROJECT%/members")}};
}

QByteArray BadInputFixture::snapshot()
{
    QByteArray state;
    for (const QString &path : QStringList{QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=all"),
                                QStringLiteral("/api/sessions?projectId=") + m_project,
                                QStringLiteral("/api/projects/%1/members").arg(m_project)}) {
        const Reply reply = m_client->get(path, m_owner.accessToken);
        state += QByteArray::number(reply.status) + ' ' + reply.body + '\n';
    }
    return state;
}

void BadInputFixture::checkServerStillHealthy()
{
    const Reply health = m_client->get(QStringLiteral("/healthz"));
    EXPECT_STATUS(health, 200);
    const Reply reply = m_client->get(QStringLiteral("/api/projects/") + m_project, m_owner.accessToken);
    EXPECT_STATUS(reply, 200);
    QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), reply.json.value(QStringLiteral("name")).toString());
    QVERIFY(!reply.json.value(QStringLiteral("name")).toString().isEmpty());
    QByteArray output;
    QVERIFY2(repairStats(*m_server, &output), output.constData());
}

} // namespace vesper::test
