// The contract between the backend's JSON and the shared domain types (core/domain): every object a
// real server writes — projects in the list and the detail, sessions, generations with outputs, the
// status poll, the changes feed, models, the bootstrap profile, members — is read by the domain
// parser and written back unchanged. On SQLite and PostgreSQL.
#include "apifixtures.h"
#include "domain/generation.h"
#include "domain/member.h"
#include "domain/modelinfo.h"
#include "domain/profile.h"
#include "domain/project.h"
#include "domain/session.h"
#include "generationfixture.h"
#include "replycheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace vesper;
using namespace vesper::test;

namespace {
/// fromJson then toJson must give back exactly what the server wrote.
template <typename T>
QString roundTrip(const QJsonObject &json)
{
    QString error;
    const std::optional<T> value = T::fromJson(json, &error);
    if (!value)
        return QStringLiteral("not parsed: ") + error + QStringLiteral(" in ") + QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact));
    const QJsonObject back = value->toJson();
    if (back != json)
        return QStringLiteral("changed on the way back:\n  server: %1\n  domain: %2")
            .arg(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)),
                 QString::fromUtf8(QJsonDocument(back).toJson(QJsonDocument::Compact)));
    return {};
}

#define ROUND_TRIP(Type, json)                                                                                                     \
    do {                                                                                                                           \
        const QString problem = roundTrip<Type>(json);                                                                             \
        QVERIFY2(problem.isEmpty(), qPrintable(problem));                                                                          \
    } while (false)
} // namespace

class TestApiDomainContract : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void projectsAndSessions();
    void generationsAndOutputs();
    void changesFeedRows();
    void modelsProfileAndMembers();

private:
    GenerationFixture m_f;
    QString m_generationId;
};

void TestApiDomainContract::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("1")}}, &reason), qPrintable(reason));
    const Reply accepted = m_f.client->post(QStringLiteral("/api/generate"), generateBody(m_f.sessionId, newClientId(), 2), m_f.owner.accessToken);
    QCOMPARE(accepted.status, 202);
    m_generationId = accepted.json.value(QStringLiteral("id")).toString();
    QCOMPARE(m_f.waitFinished(m_f.owner, m_generationId).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
}

void TestApiDomainContract::projectsAndSessions()
{
    const Reply list = m_f.client->get(QStringLiteral("/api/projects/with-thumbnails?limit=50"), m_f.owner.accessToken);
    QCOMPARE(list.status, 200);
    QVERIFY(!list.data().isEmpty());
    bool sawThumbnail = false;
    for (const QJsonValue &p : list.data()) {
        ROUND_TRIP(Project, p.toObject());
        sawThumbnail = sawThumbnail || p.toObject().value(QStringLiteral("thumbnailUrl")).isString();
    }
    QVERIFY(sawThumbnail); // a project with a picture, not only empty ones

    const Reply detail = m_f.client->get(QStringLiteral("/api/projects/%1?includeSessions=1").arg(m_f.projectId), m_f.owner.accessToken);
    QCOMPARE(detail.status, 200);
    QVERIFY(detail.json.value(QStringLiteral("sessions")).isArray());
    ROUND_TRIP(Project, detail.json);
    const std::optional<Project> parsed = Project::fromJson(detail.json);
    QVERIFY(parsed && parsed->sessions && !parsed->sessions->isEmpty());

    // A project asked for without its first session (the app's welcome project makes its own).
    const Reply bare = m_f.client->post(QStringLiteral("/api/projects"),
                                        QJsonObject{{QStringLiteral("name"), QStringLiteral("Bare")}, {QStringLiteral("firstSession"), false}},
                                        m_f.owner.accessToken);
    QCOMPARE(bare.status, 201);
    const Reply bareDetail = m_f.client->get(QStringLiteral("/api/projects/%1?includeSessions=1").arg(bare.json.value(QStringLiteral("id")).toString()),
                                             m_f.owner.accessToken);
    QCOMPARE(bareDetail.json.value(QStringLiteral("sessions")).toArray().size(), 0);
    QCOMPARE(parsed->sessions->first().name, QStringLiteral("Session 1")); // the default
    const Reply wrongType = m_f.client->post(QStringLiteral("/api/projects"),
                                             QJsonObject{{QStringLiteral("name"), QStringLiteral("X")}, {QStringLiteral("firstSession"), QStringLiteral("no")}},
                                             m_f.owner.accessToken);
    QCOMPARE(wrongType.status, 400);

    const Reply sessions = m_f.client->get(QStringLiteral("/api/sessions?projectId=") + m_f.projectId, m_f.owner.accessToken);
    QCOMPARE(sessions.status, 200);
    for (const QJsonValue &s : sessions.data())
        ROUND_TRIP(Session, s.toObject());
}

void TestApiDomainContract::generationsAndOutputs()
{
    const Reply list = m_f.client->get(QStringLiteral("/api/generations?sessionId=") + m_f.sessionId, m_f.owner.accessToken);
    QCOMPARE(list.status, 200);
    QCOMPARE(list.data().size(), 1);
    ROUND_TRIP(Generation, list.data().first().toObject());
    const std::optional<Generation> g = Generation::fromJson(list.data().first().toObject());
    QVERIFY(g);
    QCOMPARE(g->status, GenerationStatus::Completed);
    QVERIFY(g->outputs && g->outputs->size() == 2);

    const Reply detail = m_f.client->get(QStringLiteral("/api/generations/") + m_generationId, m_f.owner.accessToken);
    QCOMPARE(detail.status, 200);
    ROUND_TRIP(Generation, detail.json);

    const Reply status = m_f.client->post(QStringLiteral("/api/generations/status"),
                                          QJsonObject{{QStringLiteral("ids"), QJsonArray{m_generationId}}}, m_f.owner.accessToken);
    QCOMPARE(status.status, 200);
    ROUND_TRIP(Generation, status.data().first().toObject());

    // A failed one carries its error.
    const Reply failing = m_f.client->post(QStringLiteral("/api/generate"),
                                           generateBody(m_f.sessionId, newClientId(), 1, QStringLiteral("1:1"), QStringLiteral("512"),
                                                        QStringLiteral("sketch"), QStringLiteral("x")),
                                           m_f.owner.accessToken);
    QCOMPARE(failing.status, 202);
    const Reply cancelled = m_f.client->send("PUT", QStringLiteral("/api/generations/%1/cancel").arg(failing.json.value(QStringLiteral("id")).toString()),
                                             {}, m_f.owner.accessToken);
    QVERIFY2(cancelled.status == 200 || cancelled.status == 409, qPrintable(describe(cancelled)));
    ROUND_TRIP(Generation, m_f.waitFinished(m_f.owner, failing.json.value(QStringLiteral("id")).toString()));
}

void TestApiDomainContract::changesFeedRows()
{
    const Reply feed = m_f.client->get(QStringLiteral("/api/changes?since=0&limit=1000"), m_f.owner.accessToken);
    QCOMPARE(feed.status, 200);
    QHash<QString, int> kinds;
    for (const QJsonValue &change : feed.json.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject c = change.toObject();
        if (c.value(QStringLiteral("op")).toString() != QLatin1String("upsert"))
            continue;
        const QString kind = c.value(QStringLiteral("kind")).toString();
        const QJsonObject data = c.value(QStringLiteral("data")).toObject();
        ++kinds[kind];
        if (kind == QLatin1String("project"))
            ROUND_TRIP(Project, data);
        else if (kind == QLatin1String("session"))
            ROUND_TRIP(Session, data);
        else if (kind == QLatin1String("generation"))
            ROUND_TRIP(Generation, data);
        else if (kind == QLatin1String("output"))
            ROUND_TRIP(Output, data);
    }
    QVERIFY(kinds.value(QStringLiteral("project")) > 0);
    QVERIFY(kinds.value(QStringLiteral("session")) > 0);
    QVERIFY(kinds.value(QStringLiteral("generation")) > 0);
    QVERIFY(kinds.value(QStringLiteral("output")) > 0);
}

void TestApiDomainContract::modelsProfileAndMembers()
{
    const Reply models = m_f.client->get(QStringLiteral("/api/models"), m_f.owner.accessToken);
    QCOMPARE(models.status, 200);
    const QJsonArray entries = models.json.value(QStringLiteral("models")).toArray();
    QCOMPARE(entries.size(), 5);
    for (const QJsonValue &m : entries)
        ROUND_TRIP(ModelInfo, m.toObject());

    const Reply bootstrap = m_f.client->get(QStringLiteral("/api/bootstrap"), m_f.owner.accessToken);
    QCOMPARE(bootstrap.status, 200);
    ROUND_TRIP(Profile, bootstrap.json.value(QStringLiteral("profile")).toObject());
    QCOMPARE(Profile::fromJson(bootstrap.json.value(QStringLiteral("profile")).toObject())->id, m_f.owner.id);

    const TestUser member = m_f.newUser(QStringLiteral("member"));
    // Invited, then accepted: the member rows below are what a client decodes.
    const Reply added = addMember(*m_f.client, m_f.owner, m_f.projectId, member, QStringLiteral("viewer"));
    QCOMPARE(added.status, 200);
    const Reply members = m_f.client->get(QStringLiteral("/api/projects/%1/members").arg(m_f.projectId), m_f.owner.accessToken);
    QCOMPARE(members.status, 200);
    QVERIFY(!members.data().isEmpty());
    for (const QJsonValue &m : members.data())
        ROUND_TRIP(Member, m.toObject());
}

QTEST_MAIN(TestApiDomainContract)
#include "tst_api_domaincontract.moc"
