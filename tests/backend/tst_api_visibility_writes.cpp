// The authorization matrix of DESIGN §3, writes: who may change, share and delete a project, manage its
// members, and create, rename, hide and delete sessions; and session counts and thumbnails that follow
// privacy and sharing.
#include "apifixtures.h"
#include "replycheck.h"
#include "visibilityworld.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace vesper::test;

class TestApiVisibilityWrites : public QObject, private VisibilityHarness {
    Q_OBJECT

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

    // ---- project writes ------------------------------------------------------------------------

    void projectWrites_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, int>> rows{
            {"editor", "S", 403}, {"viewer", "S", 403}, {"editor", "U", 404},
            {"viewer", "U", 404}, {"stranger", "S", 404}, {"stranger", "U", 404},
        };
        for (const char *method : {"PATCH-name", "PATCH-isShared", "DELETE"}) {
            for (const auto &[who, project, status] : rows)
                QTest::addRow("%s-%s-%s", method, who, project) << who << project << method << status;
        }
        QTest::addRow("PATCH-name-owner-S") << "owner" << "S" << "PATCH-name" << 200;
        QTest::addRow("PATCH-name-owner-U") << "owner" << "U" << "PATCH-name" << 200;
    }

    void projectWrites()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(QString, method);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const QString path = QStringLiteral("/api/projects/") + p.id;
        const Reply before = m_client->get(path, w.owner.accessToken);
        EXPECT_STATUS(before, 200);

        Reply reply;
        if (method == QLatin1String("DELETE")) {
            reply = m_client->del(path, w.user(who).accessToken);
        } else if (method == QLatin1String("PATCH-isShared")) {
            reply = m_client->patch(path, {{QStringLiteral("isShared"), project != QLatin1String("S")}}, w.user(who).accessToken);
        } else {
            const QString name = before.json.value(QStringLiteral("name")).toString(); // owners rename to the same name
            reply = m_client->patch(path, {{QStringLiteral("name"), status == 200 ? name : QStringLiteral("hijacked")},
                                           {QStringLiteral("description"), QString(QStringLiteral("touched by ") + who)}},
                                    w.user(who).accessToken);
        }
        EXPECT_STATUS(reply, status);
        const Reply after = m_client->get(path, w.owner.accessToken);
        EXPECT_STATUS(after, 200);
        if (status == 200) {
            QCOMPARE(reply.json.value(QStringLiteral("id")).toString(), p.id);
            QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), QStringLiteral("touched by owner"));
            QCOMPARE(after.json.value(QStringLiteral("description")).toString(), QStringLiteral("touched by owner"));
            return;
        }
        QCOMPARE(reply.code(), status == 403 ? QStringLiteral("FORBIDDEN") : QStringLiteral("NOT_FOUND"));
        // A refused write changes nothing.
        for (const char *field : {"name", "description", "isShared"})
            QCOMPARE(after.json.value(QLatin1String(field)), before.json.value(QLatin1String(field)));
    }

    void ownerDeletesProject()
    {
        const TestUser owner = newUser(QStringLiteral("del-owner"));
        const TestUser viewer = newUser(QStringLiteral("del-viewer"));
        const QString projectId = createProject(owner, QStringLiteral("Doomed"), true);
        QVERIFY(!projectId.isEmpty());
        addMember(owner, projectId, viewer, QStringLiteral("viewer"));
        const QString sessionId = firstSession(owner, projectId);
        QVERIFY(!sessionId.isEmpty());
        const auto image = m_data->addImage(sessionId, projectId, owner.id, 0);
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        Local viewerLocal;
        follow(viewer, viewerLocal, 1000);
        QVERIFY(viewerLocal.projects.contains(projectId));

        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, owner.accessToken), 204);
        for (const TestUser *user : {&owner, &viewer}) {
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + projectId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + sessionId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), user->accessToken), 404);
            QVERIFY(!projectList(*user, QStringLiteral("all")).contains(projectId));
        }
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, owner.accessToken), 404);

        QList<QJsonObject> fresh;
        follow(viewer, viewerLocal, 1000, &fresh);
        QVERIFY2(mentions(fresh, projectId, QStringLiteral("delete")), "member got no delete for a deleted project");
        compareWithLists(viewer, viewerLocal, QStringLiteral("viewer after delete"));
        Local ownerLocal;
        follow(owner, ownerLocal, 1000);
        compareWithLists(owner, ownerLocal, QStringLiteral("owner after delete"));
    }

    // ---- member writes -------------------------------------------------------------------------

    void memberWrites()
    {
        World w;
        buildWorld(w, QStringLiteral("mw"));
        if (QTest::currentTestFailed())
            return;
        const TestUser extra = newUser(QStringLiteral("mw-extra"));
        auto membersPath = [](const QString &projectId) { return QStringLiteral("/api/projects/%1/members").arg(projectId); };
        const QJsonObject addExtra{{QStringLiteral("email"), extra.email}, {QStringLiteral("role"), QStringLiteral("viewer")}};

        // Only the owner adds members; hidden projects are 404.
        Reply reply = m_client->post(membersPath(w.shared.id), addExtra, w.editor.accessToken);
        EXPECT_STATUS(reply, 403);
        EXPECT_STATUS(m_client->post(membersPath(w.shared.id), addExtra, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->post(membersPath(w.unshared.id), addExtra, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->post(membersPath(w.unshared.id), addExtra, w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->post(membersPath(w.shared.id), addExtra, w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken), 404);

        // An address nobody has and one somebody has answer alike: 201, the same keys, no user id or
        // email (adding a member is no account oracle, DESIGN §3).
        const Reply unknown = m_client->post(membersPath(w.shared.id),
                                             {{QStringLiteral("email"), QStringLiteral("nobody-%1@visibility.example.com").arg(m_users)},
                                              {QStringLiteral("role"), QStringLiteral("viewer")}},
                                             w.owner.accessToken);
        EXPECT_STATUS(unknown, 201);
        reply = m_client->post(membersPath(w.shared.id), addExtra, w.owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.keys(), unknown.json.keys());
        QVERIFY(!reply.json.contains(QStringLiteral("userId")) && !reply.json.contains(QStringLiteral("email")));
        QVERIFY(!reply.body.contains(extra.id.toUtf8()) && !reply.body.contains(extra.email.toUtf8()));
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        // Not a member until they accept: the project stays hidden from them.
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken), 404);
        EXPECT_STATUS(acceptInvitation(*m_client, extra, reply.json.value(QStringLiteral("id")).toString()), 200);
        reply = m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));

        // Adding again updates the role (by email, then by id).
        reply = m_client->post(membersPath(w.shared.id),
                               {{QStringLiteral("email"), extra.email}, {QStringLiteral("role"), QStringLiteral("editor")}},
                               w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        reply = m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        reply = m_client->post(membersPath(w.shared.id),
                               {{QStringLiteral("userId"), extra.id}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                               w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        EXPECT_STATUS(m_client->post(QStringLiteral("/api/sessions"),
                                     {{QStringLiteral("projectId"), w.shared.id}, {QStringLiteral("name"), QStringLiteral("x")}},
                                     extra.accessToken),
                      403); // the downgrade took effect

        // Removal: owner anyone, a member only themself.
        auto memberPath = [](const QString &projectId, const QString &userId) {
            return QStringLiteral("/api/projects/%1/members/%2").arg(projectId, userId);
        };
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.editor.id), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.unshared.id, w.viewer.id), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.stranger.id), w.owner.accessToken), 404); // not a member
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, extra.id), w.owner.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.viewer.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(membersPath(w.shared.id), w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, w.editor.accessToken), 200);

        reply = m_client->get(membersPath(w.shared.id), w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QSet<QString> remaining;
        for (const QJsonValue &member : reply.data())
            remaining.insert(member.toObject().value(QStringLiteral("userId")).toString());
        remaining.remove(w.owner.id);
        QCOMPARE(remaining, QSet<QString>{w.editor.id});
    }

    // ---- session writes ------------------------------------------------------------------------

    void sessionCreate_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<bool>("isPrivate");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, bool, int>> rows{
            {"owner", "S", false, 201},    {"owner", "S", true, 201},     {"owner", "U", false, 201},
            {"editor", "S", false, 201},   {"editor", "S", true, 403},    {"editor", "U", false, 404},
            {"viewer", "S", false, 403},   {"viewer", "S", true, 403},    {"viewer", "U", false, 404},
            {"stranger", "S", false, 404}, {"stranger", "U", false, 404},
        };
        for (const auto &[who, project, isPrivate, status] : rows)
            QTest::addRow("%s-%s-%s", who, project, isPrivate ? "private" : "open") << who << project << isPrivate << status;
    }

    void sessionCreate()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(bool, isPrivate);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const QString name = QStringLiteral("made by %1 %2").arg(who).arg(QTest::currentDataTag());
        QJsonObject body{{QStringLiteral("projectId"), p.id}, {QStringLiteral("name"), name}};
        if (isPrivate)
            body.insert(QStringLiteral("isPrivate"), true);
        const Reply reply = m_client->post(QStringLiteral("/api/sessions"), body, w.user(who).accessToken);
        EXPECT_STATUS(reply, status);

        const Reply sessions = m_client->get(QStringLiteral("/api/sessions?projectId=") + p.id, w.owner.accessToken);
        EXPECT_STATUS(sessions, 200);
        QStringList names;
        for (const QJsonValue &session : sessions.data())
            names << session.toObject().value(QStringLiteral("name")).toString();
        QCOMPARE(names.contains(name), status == 201);
        if (status != 201)
            return;
        const QString id = reply.json.value(QStringLiteral("id")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("projectId")).toString(), p.id);
        QCOMPARE(reply.json.value(QStringLiteral("creatorId")).toString(), w.user(who).id);
        QCOMPARE(reply.json.value(QStringLiteral("isPrivate")).toBool(), isPrivate);
        QCOMPARE(reply.json.value(QStringLiteral("type")).toString(), QStringLiteral("image"));
        // Clean up so the shared fixture keeps its counts.
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + id, w.owner.accessToken), 204);
    }

    void sessionUpdateAndDelete()
    {
        World w;
        buildWorld(w, QStringLiteral("sw"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        const QString editorSession = createSession(w.editor, s.id, QStringLiteral("Editor's"), false);
        QVERIFY(!editorSession.isEmpty());
        auto path = [](const QString &id) -> QString { return QStringLiteral("/api/sessions/") + id; };
        const QJsonObject rename{{QStringLiteral("name"), QStringLiteral("Renamed")}};
        const QJsonObject makePrivate{{QStringLiteral("isPrivate"), true}};

        // Renames: the owner, or the editor who created the session.
        Reply reply = m_client->patch(path(editorSession), rename, w.editor.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), QStringLiteral("Renamed"));
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(editorSession), rename, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(w.unshared.open), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(s.priv), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(s.priv), rename, w.viewer.accessToken), 404);
        reply = m_client->patch(path(s.open), {{QStringLiteral("name"), QStringLiteral("Owner renamed")}}, w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), QStringLiteral("Owner renamed"));

        // isPrivate: the owner only, even on the editor's own session.
        EXPECT_STATUS(m_client->patch(path(editorSession), makePrivate, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), makePrivate, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.priv), {{QStringLiteral("isPrivate"), false}}, w.editor.accessToken), 404);
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + s.id, w.editor.accessToken);
        QCOMPARE(reply.data().size(), 3); // Session 1, Open, Editor's: still nothing private leaked or changed
        reply = m_client->patch(path(editorSession), makePrivate, w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("isPrivate")).toBool(), true);
        // Now private: the editor who created it sees it no more.
        EXPECT_STATUS(m_client->patch(path(editorSession), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(editorSession), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + editorSession, w.editor.accessToken), 404);

        // Deletes: the owner, or the editor who created it.
        const QString second = createSession(w.editor, s.id, QStringLiteral("Editor's second"), false);
        QVERIFY(!second.isEmpty());
        EXPECT_STATUS(m_client->del(path(second), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(second), w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(s.open), w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(s.open), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(s.priv), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(w.unshared.open), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(second), w.editor.accessToken), 204);
        EXPECT_STATUS(m_client->del(path(second), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(s.open), w.owner.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + s.open, w.owner.accessToken), 404);
        reply = m_client->get(QStringLiteral("/api/projects/%1/images").arg(s.id), w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QVERIFY2(!reply.body.contains(s.outOpen.toUtf8()), "images of a deleted session are still listed");
        reply = m_client->get(QStringLiteral("/api/projects/") + s.id, w.owner.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("sessionCount")).toInt(), 3); // Session 1, Private, Editor's (private)
        reply = m_client->get(QStringLiteral("/api/projects/") + s.id, w.viewer.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("sessionCount")).toInt(), 1); // Session 1
        QCOMPARE(reply.json.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(s.out1));
    }

    // ---- counts and thumbnails follow privacy and sharing ---------------------------------------

    void countsAndThumbnailsFollowPrivacy()
    {
        const TestUser owner = newUser(QStringLiteral("ct-owner"));
        const TestUser viewer = newUser(QStringLiteral("ct-viewer"));
        const QString projectId = createProject(owner, QStringLiteral("Only private images"), true);
        QVERIFY(!projectId.isEmpty());
        addMember(owner, projectId, viewer, QStringLiteral("viewer"));
        const QString priv = createSession(owner, projectId, QStringLiteral("Secret"), true);
        QVERIFY(!priv.isEmpty());
        const auto image = m_data->addImage(priv, projectId, owner.id, 0);
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        QByteArray output;
        QVERIFY2(repairStats(*m_server, &output), output.constData());

        auto check = [&](const TestUser &user, int count, const QJsonValue &thumb, const char *when) {
            const QHash<QString, QJsonObject> list = projectList(user, QStringLiteral("all"));
            const QJsonObject fromList = list.value(projectId);
            const Reply detail = m_client->get(QStringLiteral("/api/projects/") + projectId, user.accessToken);
            for (const QJsonObject &project : {fromList, detail.json}) {
                QVERIFY2(project.value(QStringLiteral("sessionCount")).toInt() == count,
                         qPrintable(QStringLiteral("%1: sessionCount %2, expected %3").arg(QLatin1String(when)).arg(project.value(QStringLiteral("sessionCount")).toInt()).arg(count)));
                QVERIFY2(project.value(QStringLiteral("thumbnailUrl")) == thumb,
                         qPrintable(QStringLiteral("%1: thumbnailUrl %2").arg(QLatin1String(when), project.value(QStringLiteral("thumbnailUrl")).toString())));
                QVERIFY(project.contains(QStringLiteral("thumbnailUrl")));
            }
        };
        check(owner, 2, thumbUrl(image.second), "owner, private");
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, private");
        const Reply images = m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), viewer.accessToken);
        EXPECT_STATUS(images, 200);
        QCOMPARE(images.data().size(), 0);

        // Made public: the stats follow in the same write.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + priv, {{QStringLiteral("isPrivate"), false}}, owner.accessToken), 200);
        check(viewer, 2, thumbUrl(image.second), "viewer, made public");
        check(owner, 2, thumbUrl(image.second), "owner, made public");
        // Private again.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + priv, {{QStringLiteral("isPrivate"), true}}, owner.accessToken), 200);
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, private again");
        // A new public session counts at once; deleting it uncounts it.
        const QString extra = createSession(owner, projectId, QStringLiteral("Public"), false);
        check(viewer, 2, QJsonValue(QJsonValue::Null), "viewer, new public session");
        check(owner, 3, thumbUrl(image.second), "owner, new public session");
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + extra, owner.accessToken), 204);
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, public session deleted");
        // Sharing off hides the project from the member altogether.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/projects/") + projectId, {{QStringLiteral("isShared"), false}}, owner.accessToken), 200);
        QVERIFY(!projectList(viewer, QStringLiteral("all")).contains(projectId));
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + projectId, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, viewer.accessToken), 404);
        const QString session1 = firstSession(owner, projectId);
        QVERIFY(!session1.isEmpty());
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + session1, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + session1, {{QStringLiteral("name"), QStringLiteral("x")}}, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(projectId, viewer.id), viewer.accessToken), 404);
        QVERIFY(projectList(owner, QStringLiteral("all")).contains(projectId));
        QByteArray drift;
        QVERIFY2(repairStats(*m_server, &drift), drift.constData());
    }
};

QTEST_GUILESS_MAIN(TestApiVisibilityWrites)
#include "tst_api_visibility_writes.moc"
