// The authorization matrix of DESIGN §3, reads: owner, editor, viewer and a stranger, against a shared
// and an unshared project, each with an open and a private session holding images: the project list,
// project details, and the sessions, generations, images and members lists.
#include "replycheck.h"
#include "visibilityworld.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace vesper::test;

class TestApiVisibilityLists : public QObject, private VisibilityHarness {
    Q_OBJECT

    using VisibilityHarness::projectList; // the helper, overloaded by the projectList test below

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        startServer();
        if (QTest::currentTestFailed())
            return;
        buildWorld(m_world, QStringLiteral("matrix"));
    }

    void cleanupTestCase() { stopServer(); }

    // ---- project list --------------------------------------------------------------------------

    void projectList_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("scope");
        QTest::addColumn<bool>("seesShared");
        QTest::addColumn<bool>("seesUnshared");
        for (const char *scope : {"all", "mine"}) {
            const bool all = QByteArray(scope) == "all";
            QTest::addRow("owner-%s", scope) << "owner" << scope << true << true;
            QTest::addRow("editor-%s", scope) << "editor" << scope << all << false;
            QTest::addRow("viewer-%s", scope) << "viewer" << scope << all << false;
            QTest::addRow("stranger-%s", scope) << "stranger" << scope << false << false;
        }
    }

    void projectList()
    {
        QFETCH(QString, who);
        QFETCH(QString, scope);
        QFETCH(bool, seesShared);
        QFETCH(bool, seesUnshared);
        const World &w = m_world;
        const QHash<QString, QJsonObject> list = projectList(w.user(who), scope);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(list.contains(w.shared.id), seesShared);
        QCOMPARE(list.contains(w.unshared.id), seesUnshared);
        QCOMPARE(list.size(), int(seesShared) + int(seesUnshared)); // fresh users: nothing else is theirs

        const bool isOwner = who == QLatin1String("owner");
        for (const ProjectFixture *p : {&w.shared, &w.unshared}) {
            if (!list.contains(p->id))
                continue;
            const QJsonObject project = list.value(p->id);
            QCOMPARE(project.value(QStringLiteral("role")).toString(), who);
            QCOMPARE(project.value(QStringLiteral("ownerId")).toString(), w.owner.id);
            QCOMPARE(project.value(QStringLiteral("owner")).toObject().value(QStringLiteral("id")).toString(), w.owner.id);
            QCOMPARE(project.value(QStringLiteral("owner")).toObject().value(QStringLiteral("displayName")).toString(),
                     QStringLiteral("matrix-owner person"));
            QCOMPARE(project.value(QStringLiteral("isShared")).toBool(), p == &w.shared);
            // Counts and thumbnails over the sessions this caller can see.
            QCOMPARE(project.value(QStringLiteral("sessionCount")).toInt(), isOwner ? 3 : 2);
            QCOMPARE(project.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(isOwner ? p->outPriv : p->outOpen));
        }
    }

    // ---- project detail ------------------------------------------------------------------------

    void projectDetail_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<int>("status");
        addWhoProjectRows({{"owner", "S", 200}, {"owner", "U", 200}, {"editor", "S", 200}, {"editor", "U", 404},
                           {"viewer", "S", 200}, {"viewer", "U", 404}, {"stranger", "S", 404}, {"stranger", "U", 404}});
    }

    void projectDetail()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const TestUser &user = w.user(who);

        const Reply plain = m_client->get(QStringLiteral("/api/projects/") + p.id, user.accessToken);
        EXPECT_STATUS(plain, status);
        const Reply detail = m_client->get(QStringLiteral("/api/projects/%1?includeSessions=1").arg(p.id), user.accessToken);
        EXPECT_STATUS(detail, status);
        if (status == 404) {
            // Hidden answers exactly like missing.
            const Reply missing = m_client->get(QStringLiteral("/api/projects/") + TestData::newId(), user.accessToken);
            EXPECT_STATUS(missing, 404);
            QCOMPARE(plain.code(), QStringLiteral("NOT_FOUND"));
            QCOMPARE(plain.json, missing.json);
            QVERIFY2(!plain.body.contains(p.id.toUtf8()), plain.body.constData());
            return;
        }
        const bool isOwner = who == QLatin1String("owner");
        QVERIFY2(!plain.json.contains(QStringLiteral("sessions")), plain.body.constData());
        QCOMPARE(plain.json.value(QStringLiteral("id")).toString(), p.id);
        QCOMPARE(plain.json.value(QStringLiteral("role")).toString(), who);
        QCOMPARE(plain.json.value(QStringLiteral("sessionCount")).toInt(), isOwner ? 3 : 2);
        QCOMPARE(plain.json.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(isOwner ? p.outPriv : p.outOpen));

        QStringList sessions;
        for (const QJsonValue &session : detail.json.value(QStringLiteral("sessions")).toArray())
            sessions << session.toObject().value(QStringLiteral("id")).toString();
        QStringList expected{p.session1, p.open};
        if (isOwner)
            expected << p.priv;
        std::sort(sessions.begin(), sessions.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(sessions, expected);
    }

    // ---- sessions list -------------------------------------------------------------------------

    void sessionsList_data() { projectDetail_data(); }

    void sessionsList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + p.id, m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200)
            return;
        QStringList ids;
        for (const QJsonValue &session : reply.data()) {
            ids << session.toObject().value(QStringLiteral("id")).toString();
            QCOMPARE(session.toObject().value(QStringLiteral("projectId")).toString(), p.id);
        }
        QStringList expected{p.session1, p.open}; // oldest first
        if (who == QLatin1String("owner"))
            expected << p.priv;
        QCOMPARE(ids, expected);
    }

    // ---- generations list ----------------------------------------------------------------------

    void generationsList_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("session");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, const char *, int>> rows{
            {"owner", "S", "open", 200},    {"owner", "S", "private", 200}, {"owner", "U", "open", 200},
            {"owner", "U", "private", 200}, {"editor", "S", "open", 200},   {"editor", "S", "session1", 200},
            {"editor", "S", "private", 404}, {"editor", "U", "open", 404},  {"editor", "U", "private", 404},
            {"viewer", "S", "open", 200},   {"viewer", "S", "private", 404}, {"viewer", "U", "open", 404},
            {"stranger", "S", "open", 404}, {"stranger", "S", "private", 404}, {"stranger", "U", "open", 404},
        };
        for (const auto &[who, project, session, status] : rows)
            QTest::addRow("%s-%s-%s", who, project, session) << who << project << session << status;
    }

    void generationsList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(QString, session);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const QString sessionId = session == QLatin1String("open") ? p.open : session == QLatin1String("private") ? p.priv : p.session1;
        const QString generationId = session == QLatin1String("open") ? p.genOpen : session == QLatin1String("private") ? p.genPriv : p.gen1;
        const QString outputId = session == QLatin1String("open") ? p.outOpen : session == QLatin1String("private") ? p.outPriv : p.out1;
        const Reply reply = m_client->get(QStringLiteral("/api/generations?sessionId=%1&limit=20").arg(sessionId),
                                          m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QCOMPARE(reply.code(), QStringLiteral("NOT_FOUND"));
            QVERIFY2(!reply.body.contains(generationId.toUtf8()), reply.body.constData());
            return;
        }
        QCOMPARE(reply.data().size(), 1);
        const QJsonObject generation = reply.data().first().toObject();
        QCOMPARE(generation.value(QStringLiteral("id")).toString(), generationId);
        QCOMPARE(generation.value(QStringLiteral("sessionId")).toString(), sessionId);
        QCOMPARE(generation.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QJsonArray outputs = generation.value(QStringLiteral("outputs")).toArray();
        QCOMPARE(outputs.size(), 1);
        QCOMPARE(outputs.first().toObject().value(QStringLiteral("id")).toString(), outputId);
        QCOMPARE(outputs.first().toObject().value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(outputId));
        QVERIFY(outputs.first().toObject().value(QStringLiteral("url")).toString().contains(outputId));
        QCOMPARE(reply.json.value(QStringLiteral("hasMore")).toBool(), false);
    }

    // ---- images list ---------------------------------------------------------------------------

    void imagesList_data() { projectDetail_data(); }

    void imagesList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/projects/%1/images?limit=40").arg(p.id), m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QVERIFY2(!reply.body.contains(p.outPriv.toUtf8()), reply.body.constData());
            return;
        }
        QStringList ids;
        for (const QJsonValue &image : reply.data())
            ids << image.toObject().value(QStringLiteral("id")).toString();
        QStringList expected; // newest first
        if (who == QLatin1String("owner"))
            expected << p.outPriv;
        expected << p.outOpen << p.out1;
        QCOMPARE(ids, expected);
        const QJsonObject newest = reply.data().first().toObject();
        QCOMPARE(newest.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(expected.first()));
        QVERIFY(!newest.value(QStringLiteral("generationId")).toString().isEmpty());
        QVERIFY(!newest.value(QStringLiteral("sessionId")).toString().isEmpty());
    }

    // ---- members list --------------------------------------------------------------------------

    void membersList_data() { projectDetail_data(); }

    void membersList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/projects/%1/members").arg(p.id), w.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QVERIFY2(!reply.body.contains(w.editor.email.toUtf8()), reply.body.constData());
            return;
        }
        QHash<QString, QJsonObject> members;
        for (const QJsonValue &member : reply.data())
            members.insert(member.toObject().value(QStringLiteral("userId")).toString(), member.toObject());
        QVERIFY(members.contains(w.editor.id));
        QVERIFY(members.contains(w.viewer.id));
        QVERIFY(!members.contains(w.stranger.id));
        QCOMPARE(members.value(w.editor.id).value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("email")).toString(), w.viewer.email);
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("displayName")).toString(), QStringLiteral("matrix-viewer person"));
        QVERIFY(TestData::parseTime(members.value(w.viewer.id).value(QStringLiteral("joinedAt")).toString()) > 0);
        for (auto it = members.begin(); it != members.end(); ++it) {
            if (it.key() != w.editor.id && it.key() != w.viewer.id)
                QCOMPARE(it.key(), w.owner.id); // nobody else, at most the owner
        }
    }
};

QTEST_GUILESS_MAIN(TestApiVisibilityLists)
#include "tst_api_visibility_lists.moc"
