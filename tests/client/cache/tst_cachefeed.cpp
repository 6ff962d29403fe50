// The cache against a real vesper-server: each user's feed, applied page by page through
// CacheStore, leaves the cache holding exactly what the REST lists show that user, in the same
// order; tombstones (a deleted session, a deleted project) take their children out of the cache.
#include "apifixtures.h"
#include "generationfixture.h"
#include "jsonrows.h"
#include "replycheck.h"
#include "visibilityworld.h"

#include "client/cache/cachedatabase.h"
#include "client/cache/assistantstore.h"
#include "client/cache/cachestore.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

class TestCacheFeed : public QObject, private VisibilityHarness {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_generated; // a generation made through POST /api/generate

    // Follows the feed from the cache's position until hasMore is false.
    void sync(const TestUser &user, CacheStore &store, int limit, CacheChanges *changed = nullptr)
    {
        for (int page = 0; page < 10000; ++page) {
            const Reply reply = m_client->get(QStringLiteral("/api/changes?since=%1&limit=%2").arg(store.syncPosition()).arg(limit),
                                              user.accessToken);
            EXPECT_STATUS(reply, 200);
            const QJsonValue next = reply.json.value(QStringLiteral("nextSince"));
            const QString nextText = next.isDouble() ? QString::number(next.toInteger()) : next.toString();
            QString error;
            QVERIFY2(store.applyChangesPage(reply.json.value(QStringLiteral("changes")).toArray(), nextText, changed, &error), qPrintable(error));
            if (!reply.json.value(QStringLiteral("hasMore")).toBool())
                return;
        }
        QFAIL("the feed did not end");
    }

    template <class T, class F>
    QStringList walkCache(F page)
    {
        QStringList ids;
        QString cursor;
        for (int guard = 0; guard < 1000; ++guard) {
            const CachePage<T> got = page(cursor);
            if (!got.ok())
                return {QStringLiteral("ERROR ") + got.error};
            for (const T &row : got.rows)
                ids << row.id;
            if (!got.hasMore())
                break;
            cursor = got.nextCursor;
        }
        return ids;
    }

    // The cache lists what the REST lists show the user, in the same order.
    void compareWithRest(const TestUser &user, CacheStore &store, const QString &label)
    {
        QList<QJsonObject> restProjects;
        walk(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=all"), user.accessToken, &restProjects);
        const QStringList cachedProjects = walkCache<Project>([&](const QString &c) { return store.projects(4, c); });
        QCOMPARE(cachedProjects, idsOf(restProjects));
        for (const QJsonObject &row : restProjects) {
            const QString projectId = row.value(QStringLiteral("id")).toString();
            const auto cached = store.project(projectId);
            QVERIFY(cached);
            const QJsonObject json = cached->toJson();
            for (const char *field : {"name", "role", "sessionCount", "thumbnailUrl", "isShared"})
                QVERIFY2(json.value(QLatin1String(field)) == row.value(QLatin1String(field)),
                         qPrintable(QStringLiteral("%1: project %2 field %3").arg(label, projectId, QLatin1String(field))));
            const Reply sessions = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
            EXPECT_STATUS(sessions, 200);
            QList<QJsonObject> restSessions;
            for (const QJsonValue &v : sessions.data())
                restSessions << v.toObject();
            QCOMPARE(walkCache<Session>([&](const QString &c) { return store.sessions(projectId, 2, c); }), idsOf(restSessions));
            for (const QJsonObject &session : restSessions) {
                const QString sessionId = session.value(QStringLiteral("id")).toString();
                QList<QJsonObject> restGenerations;
                walk(QStringLiteral("/api/generations?limit=50&sessionId=") + sessionId, user.accessToken, &restGenerations);
                QCOMPARE(walkCache<Generation>([&](const QString &c) { return store.generations(sessionId, 3, c); }), idsOf(restGenerations));
                for (const QJsonObject &g : restGenerations) {
                    const auto cachedGeneration = store.generation(g.value(QStringLiteral("id")).toString());
                    QVERIFY(cachedGeneration);
                    QCOMPARE(cachedGeneration->outputs->size(), g.value(QStringLiteral("outputs")).toArray().size());
                    QCOMPARE(generationStatusName(cachedGeneration->status), g.value(QStringLiteral("status")).toString());
                }
            }
            QList<QJsonObject> restImages;
            walk(QStringLiteral("/api/projects/%1/images?limit=100").arg(projectId), user.accessToken, &restImages);
            QCOMPARE(walkCache<Output>([&](const QString &c) { return store.images(projectId, 2, c); }), idsOf(restImages));
        }
        qInfo().noquote() << label << "cache matches the lists:" << cachedProjects.size() << "projects";
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        startServer();
        if (QTest::currentTestFailed())
            return;
        buildWorld(m_world, QStringLiteral("cache"));
        if (QTest::currentTestFailed())
            return;
        // One generation through the real generate path (the sketch model), waited until done.
        const Reply reply = m_client->post(QStringLiteral("/api/generate"),
                                           generateBody(m_world.shared.open, newClientId(), 2, QStringLiteral("1:1"), QStringLiteral("512"),
                                                        QStringLiteral("sketch"), QStringLiteral("a \"quoted\" heron in fog")),
                                           m_world.owner.accessToken);
        QVERIFY2(reply.status == 202 || reply.status == 201 || reply.status == 200, qPrintable(describe(reply)));
        m_generated = reply.json.value(QStringLiteral("id")).toString();
        QVERIFY(!m_generated.isEmpty());
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 30000) {
            const Reply status = m_client->post(QStringLiteral("/api/generations/status"), {{QStringLiteral("ids"), QJsonArray{m_generated}}},
                                                m_world.owner.accessToken);
            const QString state = status.data().isEmpty() ? QString()
                                                          : status.data().first().toObject().value(QStringLiteral("status")).toString();
            if (state == QLatin1String("completed"))
                return;
            QVERIFY2(state != QLatin1String("failed"), qPrintable(describe(status)));
            QThread::msleep(100);
        }
        QFAIL("the generation did not finish");
    }

    void cleanupTestCase() { stopServer(); }

    void cacheMatchesLists_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("limit");
        for (const char *who : {"owner", "editor", "viewer", "stranger"}) {
            QTest::addRow("%s-1000", who) << who << 1000;
            QTest::addRow("%s-3", who) << who << 3;
        }
    }

    void cacheMatchesLists()
    {
        QFETCH(QString, who);
        QFETCH(int, limit);
        const TestUser &user = m_world.user(who);
        CacheDatabase db(m_dir.filePath(QStringLiteral("%1-%2").arg(who).arg(limit)));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        CacheStore store(db);
        sync(user, store, limit);
        if (QTest::currentTestFailed())
            return;
        compareWithRest(user, store, who);
        if (who == QLatin1String("owner")) {
            const CachePage<Generation> found = store.search(QStringLiteral("\"quoted\" heron"), 10);
            QVERIFY2(found.ok(), qPrintable(found.error));
            QCOMPARE(found.rows.size(), 1);
            QCOMPARE(found.rows.first().id, m_generated);
            QCOMPARE(found.rows.first().outputs->size(), 2);
        }
        if (who == QLatin1String("stranger"))
            QCOMPARE(store.counts().projects, 0);
    }

    void tombstonesTakeChildrenOut()
    {
        World w;
        buildWorld(w, QStringLiteral("tomb"));
        if (QTest::currentTestFailed())
            return;
        CacheDatabase db(m_dir.filePath(QStringLiteral("tombstones")));
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        CacheStore store(db);
        sync(w.owner, store, 5);
        QVERIFY(store.generation(w.shared.genOpen));

        // The assistant's conversations of two sessions; the deleted session's goes with it.
        AssistantStore conversations(db);
        for (const QString &session : {w.shared.open, w.shared.session1, w.unshared.open}) {
            ConversationMessage message;
            message.sessionId = session;
            message.role = QStringLiteral("user");
            message.content = QStringLiteral("make it moodier");
            QVERIFY2(conversations.append(message, &error) > 0, qPrintable(error));
        }

        // A deleted session: its generation and image leave the cache, and the change says so.
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + w.shared.open, w.owner.accessToken), 204);
        CacheChanges changed;
        sync(w.owner, store, 5, &changed);
        QVERIFY(changed.removedSessions.contains(w.shared.open));
        QVERIFY(changed.removedOutputs.contains(w.shared.outOpen));
        QVERIFY(!store.generation(w.shared.genOpen));
        QVERIFY(!store.images(w.shared.id, 100).rows.isEmpty());
        QVERIFY(conversations.messages(w.shared.open).isEmpty());
        QCOMPARE(conversations.messages(w.shared.session1).size(), 1);
        compareWithRest(w.owner, store, QStringLiteral("after a session delete"));

        // A deleted project: everything under it goes.
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + w.unshared.id, w.owner.accessToken), 204);
        CacheChanges gone;
        sync(w.owner, store, 5, &gone);
        QVERIFY(gone.removedProjects.contains(w.unshared.id));
        for (const QString &output : {w.unshared.out1, w.unshared.outOpen, w.unshared.outPriv})
            QVERIFY2(gone.removedOutputs.contains(output), qPrintable(output));
        QVERIFY(!store.project(w.unshared.id));
        QVERIFY(store.images(w.unshared.id, 100).rows.isEmpty());
        QVERIFY(store.sessions(w.unshared.id, 100).rows.isEmpty());
        QVERIFY(store.members(w.unshared.id).isEmpty());
        QVERIFY(conversations.messages(w.unshared.open).isEmpty());
        QCOMPARE(conversations.messages(w.shared.session1).size(), 1);
        compareWithRest(w.owner, store, QStringLiteral("after a project delete"));

        // The viewer loses the shared project's session the owner made private.
        CacheDatabase viewerDb(m_dir.filePath(QStringLiteral("tombstones-viewer")));
        QVERIFY2(viewerDb.open(&error), qPrintable(error));
        CacheStore viewer(viewerDb);
        sync(w.viewer, viewer, 5);
        QVERIFY(viewer.generation(w.shared.gen1));
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + w.shared.session1, {{QStringLiteral("isPrivate"), true}},
                                      w.owner.accessToken), 200);
        CacheChanges hidden;
        sync(w.viewer, viewer, 5, &hidden);
        QVERIFY(hidden.removedOutputs.contains(w.shared.out1));
        QVERIFY(!viewer.generation(w.shared.gen1));
        compareWithRest(w.viewer, viewer, QStringLiteral("viewer after a session went private"));
    }
};

QTEST_GUILESS_MAIN(TestCacheFeed)
#include "tst_cachefeed.moc"
