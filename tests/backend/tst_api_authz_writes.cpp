// Issue 13 item 5, on both databases: a permission never depends on which fields a request body
// holds. Deleting a session that holds someone else's generations is the project owner's alone; a
// session PATCH always needs write access (a viewer's `{}` is 403); and a PATCH that changes nothing
// (projects, sessions, outputs) changes no revision and adds nothing to anyone's changes feed.
#include "replycheck.h"
#include "visibilityworld.h"

#include <QJsonArray>
#include <QTest>

using namespace vesper::test;

class TestApiAuthzWrites : public QObject, private VisibilityHarness {
    Q_OBJECT

private:
    struct Team {
        TestUser owner, editor, viewer;
        QString projectId;
    };

    Team newTeam(const QString &tag)
    {
        Team t;
        t.owner = newUser(tag + QStringLiteral("-owner"));
        t.editor = newUser(tag + QStringLiteral("-editor"));
        t.viewer = newUser(tag + QStringLiteral("-viewer"));
        t.projectId = createProject(t.owner, tag, true);
        addMember(t.owner, t.projectId, t.editor, QStringLiteral("editor"));
        addMember(t.owner, t.projectId, t.viewer, QStringLiteral("viewer"));
        return t;
    }

    qint64 rev(const QString &table, const QString &id)
    {
        return m_data->scalar(QStringLiteral("SELECT rev FROM %1 WHERE id = ?").arg(table), {id}).toLongLong();
    }

    qint64 count(const QString &sql, const QString &id)
    {
        return m_data->scalar(sql, {id}).toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        startServer();
    }

    void cleanupTestCase() { stopServer(); }

    void editorCannotDeleteSessionHoldingOthersGenerations()
    {
        const Team t = newTeam(QStringLiteral("delsess"));
        QVERIFY(!t.projectId.isEmpty());
        const QString sessionId = createSession(t.editor, t.projectId, QStringLiteral("Editor's"), false);
        QVERIFY(!sessionId.isEmpty());
        const auto ownersImage = m_data->addImage(sessionId, t.projectId, t.owner.id, TestData::nowMicros());
        QVERIFY2(!ownersImage.second.isEmpty(), qPrintable(m_data->lastError()));
        m_data->addImage(sessionId, t.projectId, t.editor.id, TestData::nowMicros());

        const Reply refused = m_client->del(QStringLiteral("/api/sessions/") + sessionId, t.editor.accessToken);
        EXPECT_STATUS(refused, 403);
        QCOMPARE(refused.code(), QStringLiteral("FORBIDDEN"));
        QVERIFY2(refused.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("owner")),
                 qPrintable(describe(refused)));
        // Nothing went: the session and both generations are still there.
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE id = ?"), sessionId), 1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM generations WHERE session_id = ?"), sessionId), 2);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations/") + ownersImage.first, t.owner.accessToken), 200);

        // The owner may delete it.
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + sessionId, t.owner.accessToken), 204);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM generations WHERE session_id = ?"), sessionId), 0);
    }

    void editorDeletesSessionHoldingOnlyOwnGenerations()
    {
        const Team t = newTeam(QStringLiteral("delown"));
        const QString sessionId = createSession(t.editor, t.projectId, QStringLiteral("Mine"), false);
        QVERIFY(!sessionId.isEmpty());
        m_data->addImage(sessionId, t.projectId, t.editor.id, TestData::nowMicros());
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + sessionId, t.editor.accessToken), 204);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE id = ?"), sessionId), 0);
    }

    void sessionPatchAlwaysNeedsWriteAccess_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QByteArray>("body");
        for (const char *body : {"{}", "{\"name\":null}", "{\"unknown\":1}"}) {
            QTest::addRow("viewer %s", body) << "viewer" << QByteArray(body);
            QTest::addRow("editor-not-creator %s", body) << "editor" << QByteArray(body);
        }
    }

    void sessionPatchAlwaysNeedsWriteAccess()
    {
        QFETCH(QString, who);
        QFETCH(QByteArray, body);
        const Team t = newTeam(QStringLiteral("patchsess"));
        const QString sessionId = firstSession(t.owner, t.projectId); // created by the owner
        QVERIFY(!sessionId.isEmpty());
        const qint64 before = rev(QStringLiteral("sessions"), sessionId);
        const TestUser &caller = who == QLatin1String("viewer") ? t.viewer : t.editor;
        const Reply reply = m_client->send("PATCH", QStringLiteral("/api/sessions/") + sessionId, body, caller.accessToken);
        EXPECT_STATUS(reply, 403);
        QCOMPARE(reply.code(), QStringLiteral("FORBIDDEN"));
        QCOMPARE(rev(QStringLiteral("sessions"), sessionId), before);
    }

    void projectAndOutputPatchCheckAccessBeforeTheBody()
    {
        // Permission first: a viewer learns "forbidden", not which field the server wanted.
        const Team t = newTeam(QStringLiteral("order"));
        const QString sessionId = firstSession(t.owner, t.projectId);
        const auto image = m_data->addImage(sessionId, t.projectId, t.owner.id, TestData::nowMicros());
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        const QStringList paths{QStringLiteral("/api/projects/") + t.projectId, QStringLiteral("/api/outputs/") + image.second};
        for (const QString &path : paths) {
            const Reply reply = m_client->send("PATCH", path, "{}", t.viewer.accessToken);
            EXPECT_STATUS(reply, 403);
        }
    }

    void noOpPatchChangesNoRevision()
    {
        const Team t = newTeam(QStringLiteral("noop"));
        const QString sessionId = firstSession(t.owner, t.projectId);
        const auto image = m_data->addImage(sessionId, t.projectId, t.owner.id, TestData::nowMicros());
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        Local viewerLocal, ownerLocal;
        follow(t.viewer, viewerLocal, 1000);
        follow(t.owner, ownerLocal, 1000);
        const Reply project = m_client->get(QStringLiteral("/api/projects/") + t.projectId, t.owner.accessToken);
        EXPECT_STATUS(project, 200);
        const qint64 projectRev = rev(QStringLiteral("projects"), t.projectId);
        const qint64 sessionRev = rev(QStringLiteral("sessions"), sessionId);
        const qint64 outputRev = rev(QStringLiteral("outputs"), image.second);
        const QString updatedAt = project.json.value(QStringLiteral("updatedAt")).toString();

        const QString projectPath = QStringLiteral("/api/projects/") + t.projectId;
        const QString sessionPath = QStringLiteral("/api/sessions/") + sessionId;
        const QString outputPath = QStringLiteral("/api/outputs/") + image.second;
        const QList<QPair<QString, QJsonObject>> noOps{
            {projectPath, {}},
            {projectPath, {{QStringLiteral("name"), project.json.value(QStringLiteral("name"))},
                           {QStringLiteral("description"), project.json.value(QStringLiteral("description"))},
                           {QStringLiteral("isShared"), true}}},
            {sessionPath, {}},
            {sessionPath, {{QStringLiteral("name"), QStringLiteral("Session 1")}, {QStringLiteral("isPrivate"), false}}},
            {outputPath, {{QStringLiteral("isStarred"), false}}},
        };
        for (const auto &[path, body] : noOps) {
            const Reply reply = m_client->patch(path, body, t.owner.accessToken);
            EXPECT_STATUS(reply, 200);
        }
        QCOMPARE(rev(QStringLiteral("projects"), t.projectId), projectRev);
        QCOMPARE(rev(QStringLiteral("sessions"), sessionId), sessionRev);
        QCOMPARE(rev(QStringLiteral("outputs"), image.second), outputRev);
        const Reply after = m_client->get(projectPath, t.owner.accessToken);
        QCOMPARE(after.json.value(QStringLiteral("updatedAt")).toString(), updatedAt);
        for (auto *pair : {&viewerLocal, &ownerLocal}) {
            QList<QJsonObject> fresh;
            follow(pair == &viewerLocal ? t.viewer : t.owner, *pair, 1000, &fresh);
            QVERIFY2(fresh.isEmpty(), qPrintable(QStringLiteral("%1 changes after no-op patches").arg(fresh.size())));
        }

        // A real change still counts.
        EXPECT_STATUS(m_client->patch(outputPath, {{QStringLiteral("isStarred"), true}}, t.owner.accessToken), 200);
        EXPECT_STATUS(m_client->patch(sessionPath, {{QStringLiteral("name"), QStringLiteral("Renamed")}}, t.owner.accessToken), 200);
        QVERIFY(rev(QStringLiteral("outputs"), image.second) > outputRev);
        QVERIFY(rev(QStringLiteral("sessions"), sessionId) > sessionRev);
    }
};

QTEST_GUILESS_MAIN(TestApiAuthzWrites)
#include "tst_api_authz_writes.moc"
