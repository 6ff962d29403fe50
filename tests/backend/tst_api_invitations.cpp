// Invitations (issue 13, item 6; DESIGN §3): adding a member invites them; the answer is the same
// whether or not an account answers to the address and never names one; the project reaches the
// invitee's lists and feed only after they accept; they may decline; the owner may withdraw; member
// adds have their own rate limit.
#include "apifixtures.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vesper::test;

namespace {
QString membersPath(const QString &projectId)
{
    return QStringLiteral("/api/projects/%1/members").arg(projectId);
}

QJsonObject byEmail(const QString &email, const QString &role = QStringLiteral("viewer"))
{
    return {{QStringLiteral("email"), email}, {QStringLiteral("role"), role}};
}
} // namespace

class TestApiInvitations : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void answersAlikeForAnyAddress();
    void hiddenUntilAccepted();
    void declineAndStrangers();
    void accountMadeAfterTheInvitation();
    void ownerWithdraws();
    void removalDropsPendingInvitations();
    void memberAddsHaveTheirOwnLimit();

private:
    TestUser newUser(const QString &name) { return m_client->signUp(name + QStringLiteral("@invite.example.com")); }
    /// The changes after `since` for the user, and the position after them.
    QList<QJsonObject> changes(const TestUser &user, qint64 since, qint64 *next = nullptr);
    bool listsProject(const TestUser &user, const QString &projectId);

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    TestUser m_owner;
};

void TestApiInvitations::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_owner = newUser(QStringLiteral("owner"));
    QVERIFY(!m_owner.id.isEmpty());
}

QList<QJsonObject> TestApiInvitations::changes(const TestUser &user, qint64 since, qint64 *next)
{
    const Reply reply = m_client->get(QStringLiteral("/api/changes?since=%1&limit=1000").arg(since), user.accessToken);
    QList<QJsonObject> list;
    for (const QJsonValue &c : reply.json.value(QStringLiteral("changes")).toArray())
        list << c.toObject();
    if (next)
        *next = qint64(reply.json.value(QStringLiteral("nextSince")).toDouble());
    return list;
}

bool TestApiInvitations::listsProject(const TestUser &user, const QString &projectId)
{
    const Reply reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=all"), user.accessToken);
    for (const QJsonValue &row : reply.data()) {
        if (row.toObject().value(QStringLiteral("id")).toString() == projectId)
            return true;
    }
    return false;
}

void TestApiInvitations::answersAlikeForAnyAddress()
{
    const TestUser known = newUser(QStringLiteral("known"));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Alike"), true);
    const QList<QJsonObject> bodies{
        byEmail(known.email),
        byEmail(QStringLiteral("nobody-here@invite.example.com")),
        {{QStringLiteral("userId"), known.id}, {QStringLiteral("role"), QStringLiteral("viewer")}},
        {{QStringLiteral("userId"), QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000")}, {QStringLiteral("role"), QStringLiteral("viewer")}}};
    QStringList keys;
    for (const QJsonObject &body : bodies) {
        const Reply reply = m_client->post(membersPath(project), body, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        if (keys.isEmpty())
            keys = reply.json.keys();
        QCOMPARE(reply.json.keys(), keys);
        QCOMPARE(reply.json.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QVERIFY2(!reply.body.contains(known.id.toUtf8()) && !reply.body.contains(known.email.toUtf8()), reply.body.constData());
        QVERIFY(!reply.json.contains(QStringLiteral("email")) && !reply.json.contains(QStringLiteral("userId")));
    }
    // Nobody accepted: the member list is empty.
    QCOMPARE(m_client->get(membersPath(project), m_owner.accessToken).data().size(), 0);
}

void TestApiInvitations::hiddenUntilAccepted()
{
    const TestUser invitee = newUser(QStringLiteral("invitee"));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Team board"), true);
    qint64 since = 0;
    changes(invitee, 0, &since);
    const Reply invited = m_client->post(membersPath(project), byEmail(invitee.email, QStringLiteral("editor")), m_owner.accessToken);
    EXPECT_STATUS(invited, 201);
    const QString invitationId = invited.json.value(QStringLiteral("id")).toString();

    // Before accepting: nothing of the project, only the invitation (list, bootstrap, feed).
    QVERIFY(!listsProject(invitee, project));
    EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + project, invitee.accessToken), 404);
    const Reply mine = m_client->get(QStringLiteral("/api/invitations"), invitee.accessToken);
    EXPECT_STATUS(mine, 200);
    QCOMPARE(mine.data().size(), 1);
    const QJsonObject row = mine.data().first().toObject();
    QCOMPARE(row.value(QStringLiteral("id")).toString(), invitationId);
    QCOMPARE(row.value(QStringLiteral("projectName")).toString(), QStringLiteral("Team board"));
    QCOMPARE(row.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
    const Reply bootstrap = m_client->get(QStringLiteral("/api/bootstrap"), invitee.accessToken);
    QCOMPARE(bootstrap.json.value(QStringLiteral("invitations")).toArray().size(), 1);
    qint64 afterInvite = 0;
    const QList<QJsonObject> early = changes(invitee, since, &afterInvite);
    bool sawInvitation = false;
    for (const QJsonObject &c : early) {
        QVERIFY2(c.value(QStringLiteral("kind")).toString() != QLatin1String("project"), "the project reached the feed before accepting");
        sawInvitation |= c.value(QStringLiteral("kind")).toString() == QLatin1String("invitation")
                         && c.value(QStringLiteral("op")).toString() == QLatin1String("upsert")
                         && c.value(QStringLiteral("id")).toString() == invitationId;
    }
    QVERIFY(sawInvitation);

    // Accepting: the membership exists, the project is listed and in the feed; the invitation is gone.
    const Reply accepted = acceptInvitation(*m_client, invitee, invitationId);
    EXPECT_STATUS(accepted, 200);
    QCOMPARE(accepted.json.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
    QVERIFY(listsProject(invitee, project));
    QCOMPARE(m_client->get(QStringLiteral("/api/invitations"), invitee.accessToken).data().size(), 0);
    bool sawProject = false;
    bool sawTombstone = false;
    for (const QJsonObject &c : changes(invitee, afterInvite)) {
        sawProject |= c.value(QStringLiteral("kind")).toString() == QLatin1String("project") && c.value(QStringLiteral("id")).toString() == project;
        sawTombstone |= c.value(QStringLiteral("kind")).toString() == QLatin1String("invitation")
                        && c.value(QStringLiteral("op")).toString() == QLatin1String("delete");
    }
    QVERIFY(sawProject && sawTombstone);
    EXPECT_STATUS(acceptInvitation(*m_client, invitee, invitationId), 404); // answered already
    QCOMPARE(m_client->get(membersPath(project), m_owner.accessToken).data().size(), 1);
}

void TestApiInvitations::declineAndStrangers()
{
    const TestUser invitee = newUser(QStringLiteral("decliner"));
    const TestUser stranger = newUser(QStringLiteral("stranger"));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Declined"), true);
    const QString id = m_client->post(membersPath(project), byEmail(invitee.email), m_owner.accessToken).json.value(QStringLiteral("id")).toString();
    // Someone else's invitation is not there for a stranger, nor for the owner to accept.
    EXPECT_STATUS(acceptInvitation(*m_client, stranger, id), 404);
    EXPECT_STATUS(acceptInvitation(*m_client, m_owner, id), 404);
    EXPECT_STATUS(m_client->post(QStringLiteral("/api/invitations/%1/decline").arg(id), QJsonObject(), stranger.accessToken), 404);
    QCOMPARE(m_client->get(QStringLiteral("/api/invitations"), stranger.accessToken).data().size(), 0);
    EXPECT_STATUS(m_client->post(QStringLiteral("/api/invitations/%1/decline").arg(id), QJsonObject(), invitee.accessToken), 204);
    EXPECT_STATUS(acceptInvitation(*m_client, invitee, id), 404);
    QVERIFY(!listsProject(invitee, project));
    QCOMPARE(m_client->get(membersPath(project), m_owner.accessToken).data().size(), 0);
    EXPECT_STATUS(m_client->post(QStringLiteral("/api/invitations/not-an-id/accept"), QJsonObject(), invitee.accessToken), 404);
}

void TestApiInvitations::accountMadeAfterTheInvitation()
{
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Early"), true);
    const QString email = QStringLiteral("later@invite.example.com");
    EXPECT_STATUS(m_client->post(membersPath(project), byEmail(email), m_owner.accessToken), 201);
    const TestUser later = m_client->signUp(email);
    const Reply mine = m_client->get(QStringLiteral("/api/invitations"), later.accessToken);
    QCOMPARE(mine.data().size(), 1);
    EXPECT_STATUS(acceptInvitation(*m_client, later, mine.data().first().toObject().value(QStringLiteral("id")).toString()), 200);
    QVERIFY(listsProject(later, project));
}

void TestApiInvitations::ownerWithdraws()
{
    const TestUser invitee = newUser(QStringLiteral("withdrawn"));
    const TestUser editor = newUser(QStringLiteral("withdraw-editor"));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Withdrawn"), true);
    EXPECT_STATUS(addMember(*m_client, m_owner, project, editor, QStringLiteral("editor")), 200);
    const QString id = m_client->post(membersPath(project), byEmail(invitee.email), m_owner.accessToken).json.value(QStringLiteral("id")).toString();
    const QString path = QStringLiteral("/api/projects/%1/invitations/%2").arg(project, id);
    // The owner lists what is unanswered (the email as typed); an editor may not.
    const QString listPath = QStringLiteral("/api/projects/%1/invitations").arg(project);
    const Reply pending = m_client->get(listPath, m_owner.accessToken);
    EXPECT_STATUS(pending, 200);
    QCOMPARE(pending.data().size(), 1);
    QCOMPARE(pending.data().first().toObject().value(QStringLiteral("id")).toString(), id);
    QCOMPARE(pending.data().first().toObject().value(QStringLiteral("email")).toString(), invitee.email.toLower());
    QCOMPARE(pending.data().first().toObject().value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
    EXPECT_STATUS(m_client->get(listPath, editor.accessToken), 403);
    EXPECT_STATUS(m_client->del(path, editor.accessToken), 403); // managing members is the owner's
    EXPECT_STATUS(m_client->del(path, m_owner.accessToken), 204);
    EXPECT_STATUS(m_client->del(path, m_owner.accessToken), 404);
    EXPECT_STATUS(acceptInvitation(*m_client, invitee, id), 404);
    QVERIFY(!listsProject(invitee, project));
    QCOMPARE(m_client->get(listPath, m_owner.accessToken).data().size(), 0);
}

void TestApiInvitations::removalDropsPendingInvitations()
{
    // A member removed keeps no invitation that would let them back in on their own.
    const TestUser member = newUser(QStringLiteral("removed"));
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Removal"), true);
    const QString first = m_client->post(membersPath(project), byEmail(member.email), m_owner.accessToken).json.value(QStringLiteral("id")).toString();
    const QString second = m_client->post(membersPath(project),
                                          {{QStringLiteral("userId"), member.id}, {QStringLiteral("role"), QStringLiteral("editor")}},
                                          m_owner.accessToken).json.value(QStringLiteral("id")).toString();
    QVERIFY(first != second);
    EXPECT_STATUS(acceptInvitation(*m_client, member, first), 200);
    // Accepting one took every invitation of this project to them.
    QCOMPARE(m_client->get(QStringLiteral("/api/invitations"), member.accessToken).data().size(), 0);
    EXPECT_STATUS(acceptInvitation(*m_client, member, second), 404);
    EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(project, member.id), m_owner.accessToken), 204);
    QVERIFY(!listsProject(member, project));
}

void TestApiInvitations::memberAddsHaveTheirOwnLimit()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_INVITE_RATE_LIMIT"), QStringLiteral("2"));
    QString reason;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient client(server.baseUrl());
    const TestUser owner = client.signUp(QStringLiteral("limited@invite.example.com"));
    const QString project = createProject(client, owner, QStringLiteral("Limited"), true);
    // One plain socket per request (Connection: close), so each invitation is sent exactly once.
    const auto invite = [&](const QString &email) {
        const QByteArray body = QJsonDocument(byEmail(email)).toJson(QJsonDocument::Compact);
        return rawExchange(server.port(), requestHead("POST", membersPath(project).toUtf8(), owner.accessToken, body.size()), body);
    };
    QCOMPARE(invite(QStringLiteral("a@invite.example.com")).status, 201);
    QCOMPARE(invite(QStringLiteral("b@invite.example.com")).status, 201);
    const RawReply limited = invite(QStringLiteral("c@invite.example.com"));
    QCOMPARE(limited.status, 429);
    QVERIFY2(limited.head.toLower().contains("retry-after:"), limited.head.constData());
    // Other calls are not held to it.
    EXPECT_STATUS(client.get(membersPath(project), owner.accessToken), 200);
}

QTEST_GUILESS_MAIN(TestApiInvitations)
#include "tst_api_invitations.moc"
