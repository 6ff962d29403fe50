// ApiClient's typed calls against a real vesper-server: projects, sessions, members, a sketch
// generation polled to completion, its thumbnail downloaded (and revalidated by ETag), a star, the
// changes feed, and the server's errors as values.
#include "client/net/apiclient.h"
#include "apifixtures.h"
#include "testclient.h"
#include "testserver.h"

#include <QDeadlineTimer>
#include <QImage>
#include <QtTest>

using namespace vesper;
using namespace vesper::client;

class TstApiClient : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!test::TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        test::TestClient client(m_server.baseUrl());
        m_user = client.signUp(QStringLiteral("apiclient@example.com"));
        m_friend = client.signUp(QStringLiteral("friend@example.com"));
        QVERIFY(!m_user.id.isEmpty() && !m_friend.id.isEmpty());
        m_api = std::make_unique<ApiClient>(&m_http, m_server.baseUrl());
        m_api->setFixedToken(m_user.accessToken);
    }

    void bootstrapAndModels()
    {
        const auto boot = m_api->bootstrap();
        QVERIFY2(boot.ok(), qPrintable(describe(boot.error)));
        QCOMPARE(boot.value.value(QStringLiteral("profile")).toObject().value(QStringLiteral("id")).toString(), m_user.id);
        const auto models = m_api->models();
        QVERIFY2(models.ok(), qPrintable(describe(models.error)));
        QVERIFY(!models.value.isEmpty());
    }

    void projectsSessionsMembers()
    {
        const auto created = m_api->createProject(QStringLiteral("Client round trip"), QStringLiteral("desc"), true,
                                                  WriteGuards{QStringLiteral("idem-project-1"), QString()});
        QVERIFY2(created.ok(), qPrintable(describe(created.error)));
        QCOMPARE(created.value.name, QStringLiteral("Client round trip"));
        QCOMPARE(created.value.owner.id, m_user.id);
        m_projectId = created.value.id;

        const auto list = m_api->projects(50);
        QVERIFY2(list.ok(), qPrintable(describe(list.error)));
        QVERIFY(std::any_of(list.value.items.begin(), list.value.items.end(), [&](const Project &p) { return p.id == m_projectId; }));

        const auto detail = m_api->project(m_projectId, true);
        QVERIFY2(detail.ok(), qPrintable(describe(detail.error)));
        QVERIFY(detail.value.sessions.has_value());
        QCOMPARE(detail.value.sessions->size(), 1); // "Session 1"

        const auto renamed = m_api->updateProject(m_projectId, QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed")}});
        QVERIFY2(renamed.ok(), qPrintable(describe(renamed.error)));
        QCOMPARE(renamed.value.name, QStringLiteral("Renamed"));

        const auto session = m_api->createSession(m_projectId, QStringLiteral("Second"));
        QVERIFY2(session.ok(), qPrintable(describe(session.error)));
        QCOMPARE(session.value.projectId, m_projectId);
        m_sessionId = session.value.id;
        const auto sessions = m_api->sessions(m_projectId);
        QVERIFY2(sessions.ok(), qPrintable(describe(sessions.error)));
        QCOMPARE(sessions.value.size(), 2);
        const auto sessionRenamed = m_api->updateSession(m_sessionId, QJsonObject{{QStringLiteral("name"), QStringLiteral("Second!")}});
        QVERIFY2(sessionRenamed.ok(), qPrintable(describe(sessionRenamed.error)));
        QCOMPARE(sessionRenamed.value.name, QStringLiteral("Second!"));

        // Adding a member is an invitation now (the server answers no member row): the friend accepts
        // through the raw API, and the typed API lists and removes the membership.
        test::TestClient raw(m_server.baseUrl());
        QCOMPARE(test::addMember(raw, m_user, m_projectId, m_friend, QStringLiteral("editor")).status, 200);
        const auto members = m_api->members(m_projectId);
        QVERIFY2(members.ok(), qPrintable(describe(members.error)));
        QCOMPARE(members.value.size(), 1);
        QVERIFY(m_api->removeMember(m_projectId, m_friend.id).ok());
        QCOMPARE(m_api->members(m_projectId).value.size(), 0);
    }

    void generateAndDownload()
    {
        QVERIFY(!m_sessionId.isEmpty());
        const auto models = m_api->models();
        QVERIFY(models.ok());
        const auto sketch = std::find_if(models.value.begin(), models.value.end(),
                                         [](const ModelInfo &m) { return m.provider == QLatin1String("sketch") && m.available; });
        QVERIFY2(sketch != models.value.end(), "the sketch model is offered");
        GenerateParams params;
        params.sessionId = m_sessionId;
        params.modelId = sketch->id;
        params.prompt = QStringLiteral("a lighthouse at dusk");
        params.aspectRatio = sketch->aspectRatios.value(0);
        params.resolution = sketch->resolutions.value(0);
        params.seed = 42;
        const auto reply = m_api->generate(params);
        QVERIFY2(reply.ok(), qPrintable(describe(reply.error)));
        QVERIFY(!reply.value.id.isEmpty());
        QVERIFY(!reply.value.clientId.isEmpty());

        params.clientId = reply.value.clientId; // a replay answers the same generation
        const auto replay = m_api->generate(params);
        QVERIFY2(replay.ok(), qPrintable(describe(replay.error)));
        QCOMPARE(replay.value.id, reply.value.id);

        Generation finished;
        QDeadlineTimer deadline(60000);
        while (!deadline.hasExpired()) {
            const auto status = m_api->generationStatus({reply.value.id});
            QVERIFY2(status.ok(), qPrintable(describe(status.error)));
            QCOMPARE(status.value.size(), 1);
            finished = status.value.first();
            if (finished.isFinished())
                break;
            QTest::qWait(200);
        }
        QCOMPARE(finished.status, GenerationStatus::Completed);
        QVERIFY(finished.outputs && !finished.outputs->isEmpty());
        const Output output = finished.outputs->first();

        const auto thumb = m_api->downloadFile(output.id, QStringLiteral("thumb"));
        QVERIFY2(thumb.ok(), qPrintable(describe(thumb.error)));
        QVERIFY(!QImage::fromData(thumb.value.bytes).isNull());
        QVERIFY(!thumb.value.etag.isEmpty());
        const auto again = m_api->downloadFile(output.id, QStringLiteral("thumb"), thumb.value.etag);
        QVERIFY2(again.ok(), qPrintable(describe(again.error)));
        QVERIFY(again.value.notModified);

        const auto starred = m_api->setStarred(output.id, true);
        QVERIFY2(starred.ok(), qPrintable(describe(starred.error)));
        QVERIFY(starred.value.isStarred);
        const auto page = m_api->generations(m_sessionId);
        QVERIFY2(page.ok(), qPrintable(describe(page.error)));
        QCOMPARE(page.value.items.size(), 1);
        QCOMPARE(page.value.items.first().id, reply.value.id);
        const auto images = m_api->projectImages(m_projectId);
        QVERIFY2(images.ok(), qPrintable(describe(images.error)));
        QCOMPARE(images.value.items.size(), finished.outputs->size());

        const auto feed = m_api->changes(QStringLiteral("0"), 1000);
        QVERIFY2(feed.ok(), qPrintable(describe(feed.error)));
        QVERIFY(!feed.value.value(QStringLiteral("changes")).toArray().isEmpty());

        QVERIFY(m_api->deleteGeneration(reply.value.id).ok());
        QCOMPARE(m_api->generation(reply.value.id).error.status, 404);
    }

    void errorsAsValues()
    {
        const auto missing = m_api->project(QStringLiteral("0190a0b0-0000-7000-8000-000000000000"));
        QCOMPARE(missing.error.kind, ApiError::Kind::Http);
        QCOMPARE(missing.error.status, 404);
        QCOMPARE(missing.error.code, QStringLiteral("NOT_FOUND"));
        QVERIFY(!missing.error.message.isEmpty());

        const auto invalid = m_api->createProject(QString());
        QCOMPARE(invalid.error.status, 400);
        QCOMPARE(invalid.error.code, QStringLiteral("VALIDATION_ERROR"));

        ApiClient stranger(&m_http, m_server.baseUrl());
        stranger.setFixedToken(QStringLiteral("not-a-token"));
        QCOMPARE(stranger.bootstrap().error.kind, ApiError::Kind::NotSignedIn);

        QVERIFY(m_api->deleteSession(m_sessionId).ok());
        QVERIFY(m_api->deleteProject(m_projectId).ok());
        QCOMPARE(m_api->project(m_projectId).error.status, 404);
    }

private:
    test::TestServer m_server;
    HttpClient m_http;
    std::unique_ptr<ApiClient> m_api;
    test::TestUser m_user;
    test::TestUser m_friend;
    QString m_projectId;
    QString m_sessionId;
};

QTEST_GUILESS_MAIN(TstApiClient)
#include "tst_apiclient.moc"
