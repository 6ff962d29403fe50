// Issue 13 item 9, on both databases: what the owner does out of members' sight reaches no member.
// A member's changes feed gets a project upsert only when a field that member sees changed (not when
// the owner works in a private session), and resending a generation's clientId after the caller lost
// sight of it reveals nothing about it and creates no second generation.
#include "generationfixture.h"
#include "replycheck.h"
#include "visibilityworld.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <QThread>

using namespace vesper::test;

class TestApiAuthzFeed : public QObject, private VisibilityHarness {
    Q_OBJECT

private:
    /// Polls until the generation finished; its last status (empty when it never became visible).
    QJsonObject waitFinished(const TestUser &user, const QString &id)
    {
        QElapsedTimer timer;
        timer.start();
        QJsonObject last;
        while (timer.elapsed() < 30000) {
            const Reply reply = m_client->post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{id}}},
                                               user.accessToken);
            last = reply.data().isEmpty() ? QJsonObject() : reply.data().first().toObject();
            const QString status = last.value(QStringLiteral("status")).toString();
            if (status == QLatin1String("completed") || status == QLatin1String("failed") || status == QLatin1String("cancelled"))
                return last;
            QThread::msleep(50);
        }
        return last;
    }

    static QList<QJsonObject> projectUpserts(const QList<QJsonObject> &changes, const QString &projectId)
    {
        QList<QJsonObject> found;
        for (const QJsonObject &change : changes) {
            if (change.value(QStringLiteral("kind")).toString() == QLatin1String("project")
                && change.value(QStringLiteral("id")).toString() == projectId)
                found << change;
        }
        return found;
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

    void ownersPrivateWorkReachesNoMember()
    {
        const TestUser owner = newUser(QStringLiteral("feed-owner"));
        const TestUser viewer = newUser(QStringLiteral("feed-viewer"));
        const QString projectId = createProject(owner, QStringLiteral("Feed"), true);
        QVERIFY(!projectId.isEmpty());
        addMember(owner, projectId, viewer, QStringLiteral("viewer"));
        Local viewerLocal, ownerLocal;
        follow(viewer, viewerLocal, 1000);
        follow(owner, ownerLocal, 1000);
        QVERIFY(viewerLocal.projects.contains(projectId));

        // The owner's private work: a private session, and an image made in it.
        const QString privateSession = createSession(owner, projectId, QStringLiteral("Secret"), true);
        QVERIFY(!privateSession.isEmpty());
        const Reply generate = m_client->post(QStringLiteral("/api/generate"), generateBody(privateSession, newClientId()),
                                              owner.accessToken);
        EXPECT_STATUS(generate, 202);
        const QJsonObject done = waitFinished(owner, generate.json.value(QStringLiteral("id")).toString());
        QCOMPARE(done.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));

        QList<QJsonObject> viewerFresh, ownerFresh;
        follow(viewer, viewerLocal, 1000, &viewerFresh);
        follow(owner, ownerLocal, 1000, &ownerFresh);
        QVERIFY2(projectUpserts(viewerFresh, projectId).isEmpty(), "a member got the project for the owner's private work");
        // The owner does see the new count and thumbnail.
        const QList<QJsonObject> ownerUpserts = projectUpserts(ownerFresh, projectId);
        QVERIFY(!ownerUpserts.isEmpty());
        const QJsonObject ownerView = ownerUpserts.last().value(QStringLiteral("data")).toObject();
        QCOMPARE(ownerView.value(QStringLiteral("sessionCount")).toInt(), 2);
        QVERIFY(!ownerView.value(QStringLiteral("thumbnailUrl")).toString().isEmpty());
        compareWithLists(viewer, viewerLocal, QStringLiteral("viewer after private work"));
        compareWithLists(owner, ownerLocal, QStringLiteral("owner after private work"));

        // Work members see does reach them, and the rev they hold is the one their reads show.
        QVERIFY(!createSession(owner, projectId, QStringLiteral("Open"), false).isEmpty());
        viewerFresh.clear();
        follow(viewer, viewerLocal, 1000, &viewerFresh);
        const QList<QJsonObject> viewerUpserts = projectUpserts(viewerFresh, projectId);
        QCOMPARE(viewerUpserts.size(), 1);
        const QJsonObject viewerView = viewerUpserts.first().value(QStringLiteral("data")).toObject();
        QCOMPARE(viewerView.value(QStringLiteral("sessionCount")).toInt(), 2);
        const Reply detail = m_client->get(QStringLiteral("/api/projects/") + projectId, viewer.accessToken);
        EXPECT_STATUS(detail, 200);
        QCOMPARE(detail.json.value(QStringLiteral("rev")), viewerView.value(QStringLiteral("rev")));
        compareWithLists(viewer, viewerLocal, QStringLiteral("viewer after open work"));
    }

    void clientIdResendRevealsNothingHidden()
    {
        const TestUser owner = newUser(QStringLiteral("cid-owner"));
        const TestUser editor = newUser(QStringLiteral("cid-editor"));
        const QString projectId = createProject(owner, QStringLiteral("Resend"), true);
        addMember(owner, projectId, editor, QStringLiteral("editor"));
        const QString first = firstSession(owner, projectId);
        const QString other = createSession(owner, projectId, QStringLiteral("Other"), false);
        QVERIFY(!first.isEmpty() && !other.isEmpty());
        const QString clientId = newClientId();
        const Reply created = m_client->post(QStringLiteral("/api/generate"), generateBody(first, clientId), editor.accessToken);
        EXPECT_STATUS(created, 202);
        const QString generationId = created.json.value(QStringLiteral("id")).toString();

        // A resend to the same session while the editor still sees it answers that generation.
        const Reply resend = m_client->post(QStringLiteral("/api/generate"), generateBody(first, clientId), editor.accessToken);
        EXPECT_STATUS(resend, 200);
        QCOMPARE(resend.json.value(QStringLiteral("id")).toString(), generationId);

        // The owner hides the session; the editor resends the clientId against a session they still see.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + first, {{QStringLiteral("isPrivate"), true}}, owner.accessToken), 200);
        EXPECT_STATUS(m_client->post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{generationId}}},
                                     editor.accessToken), 200);
        const qint64 before = m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ?"), {editor.id}).toLongLong();
        for (const QString &sessionId : {other, first}) {
            const Reply hidden = m_client->post(QStringLiteral("/api/generate"), generateBody(sessionId, clientId), editor.accessToken);
            QVERIFY2(hidden.status == 409 || hidden.status == 404, qPrintable(describe(hidden)));
            QVERIFY2(!hidden.body.contains(generationId.toLatin1()), qPrintable(describe(hidden)));
            for (const char *field : {"id", "status", "cost"})
                QVERIFY2(!hidden.json.contains(QLatin1String(field)), qPrintable(describe(hidden)));
        }
        const qint64 after = m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE user_id = ?"), {editor.id}).toLongLong();
        QCOMPARE(after, before); // and no duplicate was made
    }
};

QTEST_GUILESS_MAIN(TestApiAuthzFeed)
#include "tst_api_authz_feed.moc"
