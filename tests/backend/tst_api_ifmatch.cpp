// If-Match on PATCH and DELETE of projects, sessions, outputs and generations, and on DELETE of a
// membership (its rev is the one its "member" change carries): every row's JSON carries its `rev`; the current rev lets the write through, a stale one answers 412
// PRECONDITION_FAILED with the current row and changes nothing, a malformed one is 400, and twins
// sending the same rev at once have exactly one winner.
#include "apifixtures.h"
#include "parallelraw.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QTest>

using namespace vesper::test;

/// EXPECT_STATUS on a request made here: made once (EXPECT_STATUS names its reply twice).
#define EXPECT_REPLY(call, expected)                                                                                     \
    do {                                                                                                                 \
        const Reply reply_ = (call);                                                                                     \
        EXPECT_STATUS(reply_, expected);                                                                                 \
    } while (false)

namespace {
QHash<QByteArray, QByteArray> ifMatch(qint64 rev)
{
    return {{"If-Match", QByteArray::number(rev)}};
}

QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

qint64 revOf(const Reply &reply)
{
    return reply.json.value(QStringLiteral("rev")).toInteger(-1);
}
} // namespace

class TestApiIfMatch : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rowsCarryRev();
    void projectPatch();
    void projectDelete();
    void sessionPatchAndDelete();
    void outputStarAndDelete();
    void generationDelete();
    void memberDelete();
    void malformedIfMatchIsRefused();
    void twinsWithOneRevHaveOneWinner();

private:
    Reply send(const QByteArray &method, const QString &path, const QJsonObject &body, const QHash<QByteArray, QByteArray> &headers);
    /// A completed generation with one output in a new session of m_project: {generationId, outputId}.
    QPair<QString, QString> image();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    TestUser m_owner;
    QString m_project;
    QString m_session;
};

void TestApiIfMatch::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000"));
    m_server->setEnv(QStringLiteral("VESPER_WORKERS"), QStringLiteral("0"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    m_owner = m_client->signUp(QStringLiteral("owner@ifmatch.example.com"));
    QVERIFY(!m_owner.id.isEmpty());
    m_project = createProject(*m_client, m_owner, QStringLiteral("Conflicts"), false);
    m_session = firstSession(*m_client, m_owner, m_project);
    QVERIFY(!m_session.isEmpty());
}

Reply TestApiIfMatch::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                           const QHash<QByteArray, QByteArray> &headers)
{
    return m_client->send(method, path, body.isEmpty() ? QByteArray() : json(body), m_owner.accessToken, headers);
}

QPair<QString, QString> TestApiIfMatch::image()
{
    return m_data->addImage(m_session, m_project, m_owner.id, 0);
}

void TestApiIfMatch::rowsCarryRev()
{
    const Reply project = m_client->get(QStringLiteral("/api/projects/") + m_project, m_owner.accessToken);
    EXPECT_STATUS(project, 200);
    QCOMPARE(revOf(project), m_data->scalar(QStringLiteral("SELECT rev FROM projects WHERE id = ?"), {m_project}).toLongLong());
    const Reply sessions = m_client->get(QStringLiteral("/api/sessions?projectId=") + m_project, m_owner.accessToken);
    QCOMPARE(sessions.data().first().toObject().value(QStringLiteral("rev")).toInteger(),
             m_data->scalar(QStringLiteral("SELECT rev FROM sessions WHERE id = ?"), {m_session}).toLongLong());
    const auto [generation, output] = image();
    const Reply list = m_client->get(QStringLiteral("/api/generations?sessionId=") + m_session, m_owner.accessToken);
    const QJsonObject first = list.data().first().toObject();
    QCOMPARE(first.value(QStringLiteral("rev")).toInteger(),
             m_data->scalar(QStringLiteral("SELECT rev FROM generations WHERE id = ?"), {generation}).toLongLong());
    QCOMPARE(first.value(QStringLiteral("outputs")).toArray().first().toObject().value(QStringLiteral("rev")).toInteger(),
             m_data->scalar(QStringLiteral("SELECT rev FROM outputs WHERE id = ?"), {output}).toLongLong());
    // The feed's rev of a row and the rev in its data are one number (members and the profile carry
    // no rev in their data: a member's If-Match names its change's rev, see memberDelete).
    const Reply feed = m_client->get(QStringLiteral("/api/changes?since=0"), m_owner.accessToken);
    static const QStringList withRev{QStringLiteral("project"), QStringLiteral("session"), QStringLiteral("generation"), QStringLiteral("output")};
    int checked = 0;
    for (const QJsonValue &change : feed.json.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = change.toObject();
        if (c.value(QStringLiteral("op")).toString() == QLatin1String("upsert") && withRev.contains(c.value(QStringLiteral("kind")).toString())
            && ++checked)
            QCOMPARE(c.value(QStringLiteral("data")).toObject().value(QStringLiteral("rev")).toInteger(), c.value(QStringLiteral("rev")).toInteger());
    }
    QVERIFY(checked >= 4);
}

void TestApiIfMatch::projectPatch()
{
    const QString path = QStringLiteral("/api/projects/") + m_project;
    const qint64 seen = revOf(m_client->get(path, m_owner.accessToken));
    const Reply renamed = send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Renamed online")}}, ifMatch(seen));
    EXPECT_STATUS(renamed, 200);
    QVERIFY(revOf(renamed) > seen);
    // An offline edit made against the old rev loses, and says what it lost to.
    const Reply stale = send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Renamed offline")}}, ifMatch(seen));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.code(), QStringLiteral("PRECONDITION_FAILED"));
    QVERIFY(!stale.json.value(QStringLiteral("error")).toString().isEmpty());
    const QJsonObject current = stale.json.value(QStringLiteral("current")).toObject();
    QCOMPARE(current.value(QStringLiteral("name")).toString(), QStringLiteral("Renamed online"));
    QCOMPARE(current.value(QStringLiteral("rev")).toInteger(), revOf(renamed));
    QCOMPARE(m_client->get(path, m_owner.accessToken).json.value(QStringLiteral("name")).toString(), QStringLiteral("Renamed online"));
    // Quoted like an entity tag, and "*", are accepted too.
    EXPECT_REPLY(send("PATCH", path, {{QStringLiteral("description"), QStringLiteral("d")}}, {{"If-Match", '"' + QByteArray::number(revOf(renamed)) + '"'}}), 200);
    EXPECT_REPLY(send("PATCH", path, {{QStringLiteral("description"), QStringLiteral("e")}}, {{"If-Match", "*"}}), 200);
}

void TestApiIfMatch::projectDelete()
{
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Doomed"), false);
    const QString path = QStringLiteral("/api/projects/") + project;
    const qint64 seen = revOf(m_client->get(path, m_owner.accessToken));
    EXPECT_REPLY(send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Kept after all")}}, {}), 200);
    const Reply stale = send("DELETE", path, {}, ifMatch(seen));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Kept after all"));
    EXPECT_REPLY(m_client->get(path, m_owner.accessToken), 200);
    const qint64 now = revOf(m_client->get(path, m_owner.accessToken));
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(now)), 204);
    EXPECT_REPLY(m_client->get(path, m_owner.accessToken), 404);
}

void TestApiIfMatch::sessionPatchAndDelete()
{
    const Reply created = m_client->post(QStringLiteral("/api/sessions"),
                                         {{QStringLiteral("projectId"), m_project}, {QStringLiteral("name"), QStringLiteral("Draft")}}, m_owner.accessToken);
    EXPECT_STATUS(created, 201);
    const QString path = QStringLiteral("/api/sessions/") + created.json.value(QStringLiteral("id")).toString();
    const qint64 seen = revOf(created);
    const Reply renamed = send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Final")}}, ifMatch(seen));
    EXPECT_STATUS(renamed, 200);
    const Reply stale = send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Older")}}, ifMatch(seen));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("name")).toString(), QStringLiteral("Final"));
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(seen)), 412);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT name FROM sessions WHERE id = ?"), {created.json.value(QStringLiteral("id")).toString()}).toString(),
             QStringLiteral("Final"));
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(revOf(renamed))), 204);
}

void TestApiIfMatch::outputStarAndDelete()
{
    const auto [generation, output] = image();
    const QString path = QStringLiteral("/api/outputs/") + output;
    const qint64 seen = m_data->scalar(QStringLiteral("SELECT rev FROM outputs WHERE id = ?"), {output}).toLongLong();
    const Reply starred = send("PATCH", path, {{QStringLiteral("isStarred"), true}}, ifMatch(seen));
    EXPECT_STATUS(starred, 200);
    QVERIFY(revOf(starred) > seen);
    const Reply stale = send("PATCH", path, {{QStringLiteral("isStarred"), false}}, ifMatch(seen));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("isStarred")).toBool(), true);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("rev")).toInteger(), revOf(starred));
    const Reply staleDelete = send("DELETE", path, {}, ifMatch(seen));
    EXPECT_STATUS(staleDelete, 412);
    QCOMPARE(staleDelete.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("id")).toString(), output);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs WHERE id = ?"), {output}).toLongLong(), 1);
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(revOf(starred))), 204);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs WHERE id = ?"), {output}).toLongLong(), 0);
}

void TestApiIfMatch::generationDelete()
{
    const auto [generation, output] = image();
    const QString path = QStringLiteral("/api/generations/") + generation;
    const qint64 seen = revOf(m_client->get(path, m_owner.accessToken));
    QVERIFY(seen > 0);
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(seen - 1)), 412);
    const Reply stale = send("DELETE", path, {}, ifMatch(seen + 1000));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("id")).toString(), generation);
    QCOMPARE(stale.json.value(QStringLiteral("current")).toObject().value(QStringLiteral("outputs")).toArray().size(), 1);
    EXPECT_REPLY(m_client->get(path, m_owner.accessToken), 200);
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(seen)), 204);
    EXPECT_REPLY(m_client->get(path, m_owner.accessToken), 404);
}

void TestApiIfMatch::memberDelete()
{
    const QString project = createProject(*m_client, m_owner, QStringLiteral("Team"), true);
    const TestUser member = m_client->signUp(QStringLiteral("member@ifmatch.example.com"));
    QVERIFY(!member.id.isEmpty());
    EXPECT_REPLY(addMember(*m_client, m_owner, project, member, QStringLiteral("viewer")), 200);
    const QString path = QStringLiteral("/api/projects/%1/members/%2").arg(project, member.id);
    const auto memberRev = [&] {
        qint64 rev = -1; // the newest "member" change of this membership in the owner's feed
        for (const QJsonValue &change : m_client->get(QStringLiteral("/api/changes?since=0&limit=1000"), m_owner.accessToken)
                                            .json.value(QStringLiteral("changes")).toArray()) {
            const QJsonObject c = change.toObject();
            const QJsonObject data = c.value(QStringLiteral("data")).toObject();
            if (c.value(QStringLiteral("kind")).toString() == QLatin1String("member") && data.value(QStringLiteral("userId")).toString() == member.id
                && data.value(QStringLiteral("projectId")).toString() == project)
                rev = std::max(rev, c.value(QStringLiteral("rev")).toInteger());
        }
        return rev;
    };
    const qint64 seen = memberRev();
    QVERIFY(seen > 0);
    QCOMPARE(seen, m_data->scalar(QStringLiteral("SELECT rev FROM project_members WHERE project_id = ? AND user_id = ?"), {project, member.id}).toLongLong());
    // The role changes online; a removal queued offline against the old rev loses and says why.
    const Reply promoted = m_client->post(QStringLiteral("/api/projects/%1/members").arg(project),
                                          {{QStringLiteral("email"), member.email}, {QStringLiteral("role"), QStringLiteral("editor")}}, m_owner.accessToken);
    EXPECT_STATUS(promoted, 200);
    const qint64 now = memberRev();
    QVERIFY(now > seen);
    const Reply stale = send("DELETE", path, {}, ifMatch(seen));
    EXPECT_STATUS(stale, 412);
    QCOMPARE(stale.code(), QStringLiteral("PRECONDITION_FAILED"));
    const QJsonObject current = stale.json.value(QStringLiteral("current")).toObject();
    QCOMPARE(current.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
    QCOMPARE(current.value(QStringLiteral("rev")).toInteger(), now);
    const auto members = [&] {
        return m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM project_members WHERE project_id = ? AND user_id = ?"), {project, member.id}).toInt();
    };
    QCOMPARE(members(), 1);
    // The member leaving with a stale rev is held back the same way; malformed is 400, not ignored.
    EXPECT_REPLY(m_client->send("DELETE", path, {}, member.accessToken, ifMatch(seen)), 412);
    EXPECT_REPLY(send("DELETE", path, {}, {{"If-Match", "nope"}}), 400);
    QCOMPARE(members(), 1);
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(now)), 204);
    QCOMPARE(members(), 0);
    // Gone: a second removal against that rev finds no member.
    EXPECT_REPLY(send("DELETE", path, {}, ifMatch(now)), 404);
}

void TestApiIfMatch::malformedIfMatchIsRefused()
{
    const QString path = QStringLiteral("/api/projects/") + m_project;
    const QString before = m_client->get(path, m_owner.accessToken).json.value(QStringLiteral("name")).toString();
    for (const QByteArray &value : {QByteArray("abc"), QByteArray("-1"), QByteArray("12 13"), QByteArray("W/\"12\""), QByteArray("\"\"")}) {
        const Reply reply = send("PATCH", path, {{QStringLiteral("name"), QStringLiteral("Never")}}, {{"If-Match", value}});
        QVERIFY2(reply.status == 400 && reply.code() == QLatin1String("VALIDATION_ERROR"), qPrintable(value + ' ' + describe(reply)));
    }
    const auto [generation, output] = image();
    EXPECT_REPLY(send("DELETE", QStringLiteral("/api/outputs/") + output, {}, {{"If-Match", "nope"}}), 400);
    EXPECT_REPLY(send("DELETE", QStringLiteral("/api/generations/") + generation, {}, {{"If-Match", "nope"}}), 400);
    QCOMPARE(m_client->get(path, m_owner.accessToken).json.value(QStringLiteral("name")).toString(), before);
    QCOMPARE(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM outputs WHERE id = ?"), {output}).toLongLong(), 1);
}

void TestApiIfMatch::twinsWithOneRevHaveOneWinner()
{
    // Six edits made offline against the same rev arrive together: one wins, five are told it changed.
    const Reply created = m_client->post(QStringLiteral("/api/sessions"),
                                         {{QStringLiteral("projectId"), m_project}, {QStringLiteral("name"), QStringLiteral("Race")}}, m_owner.accessToken);
    const QByteArray path = "/api/sessions/" + created.json.value(QStringLiteral("id")).toString().toLatin1();
    const QByteArray body = json({{QStringLiteral("name"), QStringLiteral("Raced")}});
    const QByteArray head = requestHead("PATCH", path, m_owner.accessToken, body.size(), "If-Match: " + QByteArray::number(revOf(created)) + "\r\n");
    int won = 0;
    int stale = 0;
    for (const RawReply &reply : parallelExchange(m_server->port(), head, body, 6)) {
        won += reply.status == 200;
        stale += reply.status == 412;
        QVERIFY2(reply.status == 200 || reply.status == 412, qPrintable(describe(reply)));
    }
    QCOMPARE(won, 1);
    QCOMPARE(stale, 5);
}

QTEST_MAIN(TestApiIfMatch)
#include "tst_api_ifmatch.moc"
