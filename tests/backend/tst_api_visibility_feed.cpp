// The authorization matrix of DESIGN §3, the changes feed: what each user follows from /api/changes matches
// the list endpoints, revoked and granted access arrive as deletes and upserts, and cached project data
// stays current.
#include "replycheck.h"
#include "visibilityworld.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace vesper::test;

class TestApiVisibilityFeed : public QObject, private VisibilityHarness {
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

    // ---- the changes feed ----------------------------------------------------------------------

    void changesFeedMatchesLists_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("limit");
        for (const char *who : {"owner", "editor", "viewer", "stranger"}) {
            QTest::addRow("%s-1000", who) << who << 1000;
            QTest::addRow("%s-3", who) << who << 3;
        }
    }

    void changesFeedMatchesLists()
    {
        QFETCH(QString, who);
        QFETCH(int, limit);
        const World &w = m_world;
        const TestUser &user = w.user(who);
        Local local;
        follow(user, local, limit);
        if (QTest::currentTestFailed())
            return;
        compareWithLists(user, local, who);
        if (QTest::currentTestFailed())
            return;

        QStringList hidden; // what this user must never hear about, not even as a delete
        const ProjectFixture &u = w.unshared;
        const ProjectFixture &s = w.shared;
        if (who != QLatin1String("owner")) {
            hidden << u.id << u.session1 << u.open << u.priv << u.gen1 << u.genOpen << u.genPriv << u.out1 << u.outOpen << u.outPriv
                   << s.priv << s.genPriv << s.outPriv;
        }
        if (who == QLatin1String("stranger"))
            hidden << s.id << s.session1 << s.open << s.gen1 << s.genOpen << s.out1 << s.outOpen;
        for (const QString &id : hidden)
            QVERIFY2(!mentions(local.changes, id), qPrintable(QStringLiteral("%1 heard about hidden %2").arg(who, id)));
        for (const QJsonObject &change : local.changes) {
            // An invitation (and its tombstone once answered) is the owner's own message to this
            // person and names the project they were invited to, shared or not (DESIGN §3).
            if (change.value(QStringLiteral("kind")).toString() == QLatin1String("invitation"))
                continue;
            const QByteArray text = QJsonDocument(change).toJson(QJsonDocument::Compact);
            for (const QString &id : hidden)
                QVERIFY2(!text.contains(id.toUtf8()), text.constData()); // not inside data either (thumbnails!)
        }
        if (who == QLatin1String("stranger"))
            QVERIFY(local.projects.isEmpty());
    }

    void changesFeedRevocationsAndGrants()
    {
        World w;
        buildWorld(w, QStringLiteral("feed"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        const QList<const TestUser *> everyone{&w.owner, &w.editor, &w.viewer};
        QHash<const TestUser *, Local> locals;
        for (const TestUser *user : everyone) {
            follow(*user, locals[user], 7);
            compareWithLists(*user, locals[user], QStringLiteral("initial ") + user->email, false);
        }
        if (QTest::currentTestFailed())
            return;

        auto step = [&](const QString &label, QHash<const TestUser *, QList<QJsonObject>> *fresh) {
            for (const TestUser *user : everyone) {
                follow(*user, locals[user], 7, &(*fresh)[user]);
                // Which rows the client holds; whether their data stays current is feedKeepsProjectDataCurrent.
                compareWithLists(*user, locals[user], label + QLatin1Char(' ') + user->email, false);
            }
        };
        auto patch = [&](const QString &path, const QJsonObject &body) {
            const Reply reply = m_client->patch(path, body, w.owner.accessToken);
            EXPECT_STATUS(reply, 200);
        };

        // 1. A session made private: members get deletes; its generation and output go with it.
        {
            patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), true}});
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("session made private"), &fresh);
            for (const TestUser *member : {&w.editor, &w.viewer}) {
                QVERIFY2(mentions(fresh[member], s.open, QStringLiteral("delete")), "no session delete for a member");
                QVERIFY(!locals[member].generations.contains(s.genOpen));
                QVERIFY(!locals[member].outputs.contains(s.outOpen));
            }
            QVERIFY(!mentions(fresh[&w.owner], s.open, QStringLiteral("delete")));
            QVERIFY(locals[&w.owner].sessions.contains(s.open));
        }
        if (QTest::currentTestFailed())
            return;
        // 2. Made public again: the session, its generation and output reappear for members.
        {
            patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), false}});
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("session made public"), &fresh);
            for (const TestUser *member : {&w.editor, &w.viewer}) {
                QVERIFY2(mentions(fresh[member], s.open, QStringLiteral("upsert")), "session made public did not reappear");
                QVERIFY2(locals[member].generations.contains(s.genOpen), "generation of a session made public did not reappear");
                QVERIFY2(locals[member].outputs.contains(s.outOpen), "output of a session made public did not reappear");
            }
        }
        if (QTest::currentTestFailed())
            return;
        // 3. Sharing off: members get a project delete and hold nothing of it.
        {
            patch(QStringLiteral("/api/projects/") + s.id, {{QStringLiteral("isShared"), false}});
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("sharing off"), &fresh);
            for (const TestUser *member : {&w.editor, &w.viewer}) {
                QVERIFY2(mentions(fresh[member], s.id, QStringLiteral("delete")), "no project delete when sharing is turned off");
                QVERIFY(locals[member].projects.isEmpty());
                QVERIFY(locals[member].sessions.isEmpty());
                QVERIFY(locals[member].generations.isEmpty());
                QVERIFY(locals[member].outputs.isEmpty());
            }
            QVERIFY(locals[&w.owner].projects.contains(s.id));
        }
        if (QTest::currentTestFailed())
            return;
        // 4. Sharing on: everything visible comes back after the members' current nextSince.
        {
            patch(QStringLiteral("/api/projects/") + s.id, {{QStringLiteral("isShared"), true}});
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("sharing on"), &fresh);
            for (const TestUser *member : {&w.editor, &w.viewer}) {
                QVERIFY2(mentions(fresh[member], s.id, QStringLiteral("upsert")), "project did not reappear when sharing was turned on");
                for (const QString &id : {s.session1, s.open, s.gen1, s.genOpen, s.out1, s.outOpen})
                    QVERIFY2(mentions(fresh[member], id, QStringLiteral("upsert")), qPrintable(QStringLiteral("row %1 did not reappear").arg(id)));
                for (const QString &id : {s.priv, s.genPriv, s.outPriv})
                    QVERIFY2(!mentions(fresh[member], id), qPrintable(QStringLiteral("private row %1 leaked").arg(id)));
            }
        }
        if (QTest::currentTestFailed())
            return;
        // 5. A member removed: a project delete for them only.
        {
            EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(s.id, w.viewer.id), w.owner.accessToken), 204);
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("member removed"), &fresh);
            QVERIFY2(mentions(fresh[&w.viewer], s.id, QStringLiteral("delete")), "no project delete for a removed member");
            QVERIFY(locals[&w.viewer].projects.isEmpty());
            QVERIFY(locals[&w.viewer].outputs.isEmpty());
            QVERIFY(!mentions(fresh[&w.editor], s.id, QStringLiteral("delete")));
            QVERIFY(locals[&w.editor].projects.contains(s.id));
        }
        if (QTest::currentTestFailed())
            return;
        // 6. Added back: the old rows appear although they are older than the member's nextSince.
        {
            addMember(w.owner, s.id, w.viewer, QStringLiteral("viewer"));
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("member added"), &fresh);
            for (const QString &id : {s.id, s.session1, s.open, s.gen1, s.genOpen, s.out1, s.outOpen})
                QVERIFY2(mentions(fresh[&w.viewer], id, QStringLiteral("upsert")), qPrintable(QStringLiteral("row %1 did not appear").arg(id)));
            for (const QString &id : {s.priv, s.genPriv, s.outPriv})
                QVERIFY2(!mentions(fresh[&w.viewer], id), qPrintable(QStringLiteral("private row %1 leaked").arg(id)));
            QCOMPARE(locals[&w.viewer].projects.value(s.id).value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        }
        if (QTest::currentTestFailed())
            return;
        // 7. A deleted session: a delete for everyone who saw it.
        {
            EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + s.open, w.owner.accessToken), 204);
            QHash<const TestUser *, QList<QJsonObject>> fresh;
            step(QStringLiteral("session deleted"), &fresh);
            for (const TestUser *user : everyone)
                QVERIFY2(mentions(fresh[user], s.open, QStringLiteral("delete")), "no delete for a deleted session");
        }
        // 8. The stranger heard of none of it.
        Local strangerLocal;
        follow(w.stranger, strangerLocal, 1000);
        for (const QString &id : {s.id, s.session1, s.open, s.priv, s.gen1, s.genOpen, s.out1, s.outOpen, w.unshared.id})
            QVERIFY2(!mentions(strangerLocal.changes, id), qPrintable(QStringLiteral("the stranger heard about %1").arg(id)));
        QVERIFY(strangerLocal.projects.isEmpty() && strangerLocal.sessions.isEmpty());
    }

    void feedKeepsProjectDataCurrent()
    {
        // A client that applies only the feed shows what the lists show: when a session turns private,
        // a member's cached project must not keep its count or a thumbnail of the now-hidden image.
        World w;
        buildWorld(w, QStringLiteral("data"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        Local viewer, owner;
        follow(w.viewer, viewer, 1000);
        follow(w.owner, owner, 1000);
        compareWithLists(w.viewer, viewer, QStringLiteral("viewer initially"));
        compareWithLists(w.owner, owner, QStringLiteral("owner initially"));
        QCOMPARE(viewer.projects.value(s.id).value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(s.outOpen));

        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), true}}, w.owner.accessToken), 200);
        follow(w.viewer, viewer, 1000);
        follow(w.owner, owner, 1000);
        compareWithLists(w.owner, owner, QStringLiteral("owner after a session turned private"));
        const QJsonObject cached = viewer.projects.value(s.id);
        QVERIFY2(cached.value(QStringLiteral("thumbnailUrl")).toString() != thumbUrl(s.outOpen),
                 "the member's feed still carries the thumbnail of an image in a session that is now private");
        QCOMPARE(cached.value(QStringLiteral("sessionCount")).toInt(), 1);
        compareWithLists(w.viewer, viewer, QStringLiteral("viewer after a session turned private"));

        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), false}}, w.owner.accessToken), 200);
        follow(w.viewer, viewer, 1000);
        compareWithLists(w.viewer, viewer, QStringLiteral("viewer after the session turned public again"));

        // A new session and its deletion change the counts the same way.
        const QString extra = createSession(w.owner, s.id, QStringLiteral("Extra"), false);
        QVERIFY(!extra.isEmpty());
        follow(w.viewer, viewer, 1000);
        compareWithLists(w.viewer, viewer, QStringLiteral("viewer after a new session"));
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + extra, w.owner.accessToken), 204);
        follow(w.viewer, viewer, 1000);
        compareWithLists(w.viewer, viewer, QStringLiteral("viewer after a session was deleted"));
    }

    void feedCarriesMembersAndProfile()
    {
        World w;
        buildWorld(w, QStringLiteral("members"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        const QList<const TestUser *> everyone{&w.owner, &w.editor, &w.viewer, &w.stranger};
        QHash<const TestUser *, Local> locals;
        for (const TestUser *user : everyone) {
            follow(*user, locals[user], 5);
            compareWithLists(*user, locals[user], QStringLiteral("initial ") + user->email);
        }
        if (QTest::currentTestFailed())
            return;
        const QString editorKey = s.id + QLatin1Char(':') + w.editor.id;
        const QString viewerKey = s.id + QLatin1Char(':') + w.viewer.id;
        const QString unsharedKey = w.unshared.id + QLatin1Char(':') + w.editor.id;
        for (const TestUser *user : {&w.owner, &w.editor, &w.viewer}) {
            QVERIFY(locals[user].members.contains(editorKey) && locals[user].members.contains(viewerKey));
            QCOMPARE(locals[user].members.value(viewerKey).value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
            QCOMPARE(locals[user].members.value(viewerKey).value(QStringLiteral("projectId")).toString(), s.id);
            QCOMPARE(locals[user].profile.value(QStringLiteral("id")).toString(), user->id); // one's own profile only
        }
        QVERIFY(locals[&w.owner].members.contains(unsharedKey));
        QVERIFY2(!mentions(locals[&w.editor].changes, unsharedKey), "a member heard of the members of an unshared project");
        QVERIFY(locals[&w.stranger].members.isEmpty());
        for (const TestUser *user : everyone) {
            for (const QJsonObject &change : locals[user].changes) {
                if (change.value(QStringLiteral("kind")).toString() == QLatin1String("profile"))
                    QCOMPARE(change.value(QStringLiteral("id")).toString(), user->id);
            }
        }

        // A role change: a member upsert for everyone who sees the project.
        const Reply role = m_client->post(QStringLiteral("/api/projects/%1/members").arg(s.id),
                                          {{QStringLiteral("email"), w.viewer.email}, {QStringLiteral("role"), QStringLiteral("editor")}},
                                          w.owner.accessToken);
        EXPECT_STATUS(role, 200);
        for (const TestUser *user : everyone) {
            QList<QJsonObject> fresh;
            follow(*user, locals[user], 5, &fresh);
            compareWithLists(*user, locals[user], QStringLiteral("role changed ") + user->email);
            if (user != &w.stranger)
                QVERIFY2(mentions(fresh, viewerKey, QStringLiteral("upsert")), qPrintable(user->email));
        }
        QCOMPARE(locals[&w.editor].members.value(viewerKey).value(QStringLiteral("role")).toString(), QStringLiteral("editor"));

        // A removal: a member delete for those who still see the project, and the removed member holds
        // nothing of it any more (memberships included).
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(s.id, w.viewer.id), w.owner.accessToken), 204);
        for (const TestUser *user : everyone) {
            QList<QJsonObject> fresh;
            follow(*user, locals[user], 5, &fresh);
            compareWithLists(*user, locals[user], QStringLiteral("member removed ") + user->email);
            if (user == &w.owner || user == &w.editor)
                QVERIFY2(mentions(fresh, viewerKey, QStringLiteral("delete")), qPrintable(user->email));
        }
        QVERIFY(!locals[&w.owner].members.contains(viewerKey));
        QVERIFY(locals[&w.editor].members.contains(editorKey));
        QVERIFY(locals[&w.viewer].members.isEmpty());
        QVERIFY(locals[&w.viewer].projects.isEmpty());
        QVERIFY(!mentions(locals[&w.stranger].changes, viewerKey));
    }

    void feedCarriesClientIdToItsCreatorOnly()
    {
        World w;
        buildWorld(w, QStringLiteral("client"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        QList<GenerationRow> rows(1);
        rows[0].sessionId = s.open;
        rows[0].projectId = s.id;
        rows[0].userId = w.editor.id;
        rows[0].clientId = TestData::newId();
        QVERIFY2(m_data->insert(rows), qPrintable(m_data->lastError()));
        const QString id = rows[0].id;
        for (const TestUser *user : {&w.owner, &w.editor, &w.viewer}) {
            Local local;
            follow(*user, local, 1000);
            QVERIFY2(local.generations.contains(id), qPrintable(user->email));
            const QJsonValue clientId = local.generations.value(id).value(QStringLiteral("clientId"));
            QList<QJsonObject> listed;
            walk(QStringLiteral("/api/generations?limit=50&sessionId=") + s.open, user->accessToken, &listed);
            QJsonValue listedClientId;
            for (const QJsonObject &row : listed) {
                if (row.value(QStringLiteral("id")).toString() == id)
                    listedClientId = row.value(QStringLiteral("clientId"));
            }
            if (user == &w.editor) {
                QCOMPARE(clientId.toString(), rows[0].clientId);
                QCOMPARE(listedClientId.toString(), rows[0].clientId);
            } else {
                QVERIFY2(clientId.isUndefined() || clientId.isNull(), qPrintable(user->email + QStringLiteral(" sees another's clientId")));
                QVERIFY2(listedClientId.isUndefined() || listedClientId.isNull(), qPrintable(user->email));
            }
        }
    }

    void writesBetweenPagesAreNeitherLostNorStale()
    {
        // The first sync of a library takes many pages; writes land between them. A client that walks
        // on to the end holds exactly what the lists show, whatever the writes touched (rows already
        // sent, rows not yet sent, visibility both ways, deletes).
        World w;
        buildWorld(w, QStringLiteral("walk"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        for (int i = 0; i < 12; ++i) {
            const auto image = m_data->addImage(i % 2 ? s.open : s.session1, s.id, w.owner.id, TestData::nowMicros() - 1000000LL * i);
            QVERIFY2(!image.first.isEmpty(), qPrintable(m_data->lastError()));
        }
        QString extra;
        auto writes = [&](int page) {
            switch (page) {
            case 0:
                EXPECT_STATUS(m_client->patch(QStringLiteral("/api/projects/") + s.id, {{QStringLiteral("name"), QStringLiteral("renamed")}},
                                              w.owner.accessToken), 200);
                break;
            case 1:
                extra = createSession(w.owner, s.id, QStringLiteral("Late"), false);
                m_data->addImage(extra, s.id, w.owner.id, TestData::nowMicros());
                break;
            case 2:
                EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), true}},
                                              w.owner.accessToken), 200);
                break;
            case 3:
                EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(s.id, w.editor.id), w.owner.accessToken), 204);
                break;
            case 4:
                addMember(w.owner, s.id, w.editor, QStringLiteral("viewer"));
                break;
            case 5:
                EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + s.open, {{QStringLiteral("isPrivate"), false}},
                                              w.owner.accessToken), 200);
                break;
            case 6:
                EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + s.session1, w.owner.accessToken), 204);
                break;
            default:
                break;
            }
        };
        for (const TestUser *user : {&w.owner, &w.editor, &w.viewer}) {
            Local local;
            follow(*user, local, 4, nullptr, user == &w.owner ? std::function<void(int)>(writes) : std::function<void(int)>());
            if (QTest::currentTestFailed())
                return;
            if (user == &w.owner)
                QVERIFY2(!extra.isEmpty(), "the walk ended before the writes were made");
            compareWithLists(*user, local, QStringLiteral("walked while writing ") + user->email);
            // Every change is applied in rev order: no rev twice, none going back.
            qint64 last = 0;
            for (const QJsonObject &change : local.changes) {
                const qint64 rev = change.value(QStringLiteral("rev")).toInteger();
                QVERIFY2(rev > last, qPrintable(QStringLiteral("rev %1 after %2").arg(rev).arg(last)));
                last = rev;
            }
        }
        // The members walked the same while the owner kept writing: run it once more for them with the
        // owner writing a second round between their pages.
        Local editor;
        int round = 0;
        follow(w.editor, editor, 3, nullptr, [&](int) {
            if (round++ < 3)
                m_data->addImage(s.open, s.id, w.owner.id, TestData::nowMicros());
        });
        compareWithLists(w.editor, editor, QStringLiteral("editor walked while images arrived"));
    }

    void malformedSinceIsRefused()
    {
        const TestUser &owner = m_world.owner;
        for (const char *since : {"-1", "abc", "1.5", "+3", "%201", "0x10", "99999999999999999999"})
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/changes?since=") + QLatin1String(since), owner.accessToken), 400);
        const Reply zero = m_client->get(QStringLiteral("/api/changes?since=0&limit=2"), owner.accessToken);
        EXPECT_STATUS(zero, 200);
        QVERIFY(zero.json.value(QStringLiteral("nextSince")).isString());
        // A position past the head is answered with nothing, and the same position back.
        const Reply far = m_client->get(QStringLiteral("/api/changes?since=999999999999"), owner.accessToken);
        EXPECT_STATUS(far, 200);
        QCOMPARE(far.json.value(QStringLiteral("changes")).toArray().size(), 0);
        QCOMPARE(far.json.value(QStringLiteral("nextSince")).toString(), QStringLiteral("999999999999"));
        QCOMPARE(far.json.value(QStringLiteral("hasMore")).toBool(), false);
    }
};

QTEST_GUILESS_MAIN(TestApiVisibilityFeed)
#include "tst_api_visibility_feed.moc"
