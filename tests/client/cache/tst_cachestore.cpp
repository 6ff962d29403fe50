// CacheStore on a real SQLite file fed synthetic feed pages: tombstones take their children along,
// keyset pages neither skip nor repeat rows that share a time, full-text search takes user text
// literally, a page that goes backwards or is malformed leaves the cache untouched, the tracker's
// and the outbox's writes.
#include "synthfeed.h"

#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "common/uuid.h"

#include <QJsonArray>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

class TestCacheStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<CacheDatabase> m_db;
    std::unique_ptr<CacheStore> m_store;
    qint64 m_rev = 0;

    bool apply(const QJsonArray &changes, CacheChanges *changed = nullptr)
    {
        QString error;
        m_rev += changes.size() + 1;
        const bool ok = m_store->applyChangesPage(changes, QString::number(m_rev), changed, &error);
        if (!ok)
            qWarning().noquote() << error;
        return ok;
    }

    qint64 count(const QString &sql)
    {
        QSqlQuery q(m_db->connection());
        if (!q.exec(sql) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        const QString dir = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()));
        m_store.reset();
        m_db = std::make_unique<CacheDatabase>(dir);
        QString error;
        QVERIFY2(m_db->open(&error), qPrintable(error));
        QVERIFY(!m_db->wasRebuilt());
        m_store = std::make_unique<CacheStore>(*m_db);
        m_rev = 0;
    }

    void cleanup()
    {
        m_store.reset();
        m_db.reset();
    }

    void tombstonesRemoveChildren()
    {
        const Project p = synthProject(QStringLiteral("Doomed"), 1000);
        const Project keep = synthProject(QStringLiteral("Kept"), 2000);
        const Session s1 = synthSession(p.id, QStringLiteral("One"), 1000);
        const Session s2 = synthSession(p.id, QStringLiteral("Two"), 1001);
        const Session k1 = synthSession(keep.id, QStringLiteral("Keep"), 1002);
        QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("project"), keep.toJson())};
        // Children before their session, as a feed does after a session's rename bumps its rev.
        QStringList outputs;
        for (const Session &s : {s1, s2, k1}) {
            const Generation g = synthGeneration(s.id, QStringLiteral("a red fox"), 5000);
            const Output o = synthOutput(g, 5001);
            page << upsertChange(3, QStringLiteral("generation"), g.toJson()) << upsertChange(4, QStringLiteral("output"), o.toJson());
            if (s.projectId == p.id)
                outputs << o.id;
        }
        for (const Session &s : {s1, s2, k1})
            page << upsertChange(5, QStringLiteral("session"), s.toJson());
        page << QJsonObject{{QStringLiteral("rev"), 6}, {QStringLiteral("kind"), QStringLiteral("member")},
                            {QStringLiteral("op"), QStringLiteral("upsert")}, {QStringLiteral("id"), QStringLiteral("m1")},
                            {QStringLiteral("data"), QJsonObject{{QStringLiteral("projectId"), p.id}, {QStringLiteral("userId"), newUuidV7()},
                                                                 {QStringLiteral("email"), QStringLiteral("m@example.com")},
                                                                 {QStringLiteral("displayName"), QStringLiteral("M")},
                                                                 {QStringLiteral("role"), QStringLiteral("viewer")},
                                                                 {QStringLiteral("joinedAt"), QStringLiteral("2026-01-01T00:00:00.000000Z")}}}};
        QVERIFY(apply(page));
        QCOMPARE(m_store->images(p.id, 10).rows.size(), 2); // project ids filled in once the sessions came
        QCOMPARE(m_store->members(p.id).size(), 1);

        CacheChanges changed;
        QVERIFY(apply({deleteChange(7, QStringLiteral("project"), p.id)}, &changed));
        QCOMPARE(changed.removedProjects, QSet<QString>{p.id});
        QCOMPARE(changed.removedSessions, (QSet<QString>{s1.id, s2.id}));
        QCOMPARE(changed.removedOutputs, QSet<QString>(outputs.begin(), outputs.end()));
        QCOMPARE(changed.removedGenerations.size(), 2);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM sessions")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM generations")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM outputs")), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM members")), 0);
        QCOMPARE(m_store->search(QStringLiteral("fox"), 10).rows.size(), 1); // the index lost them too
        QVERIFY(!m_store->project(p.id));
        QVERIFY(m_store->project(keep.id));

        // A session tombstone takes its generations and outputs.
        CacheChanges again;
        QVERIFY(apply({deleteChange(8, QStringLiteral("session"), k1.id)}, &again));
        QCOMPARE(again.removedOutputs.size(), 1);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM generations")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM outputs")), 0);
    }

    void keysetPagesHaveNoSkipsOrDuplicates()
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("session"), s.toJson())};
        QStringList expected;
        QList<QPair<qint64, QString>> keys;
        for (int i = 0; i < 120; ++i) {
            const qint64 t = 1000000 + (i / 10) * 7; // ten rows share each time
            const Generation g = synthGeneration(s.id, QStringLiteral("tie %1").arg(i), t);
            const Output o = synthOutput(g, t);
            page << upsertChange(3, QStringLiteral("generation"), g.toJson()) << upsertChange(4, QStringLiteral("output"), o.toJson());
            keys << qMakePair(t, g.id);
        }
        QVERIFY(apply(page));
        std::sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) { return a > b; });
        for (const auto &key : keys)
            expected << key.second;
        QStringList seen;
        QString cursor;
        for (int guard = 0; guard < 100; ++guard) {
            const CachePage<Generation> got = m_store->generations(s.id, 7, cursor);
            QVERIFY2(got.ok(), qPrintable(got.error));
            for (const Generation &g : got.rows) {
                seen << g.id;
                QCOMPARE(g.outputs->size(), 1);
            }
            if (!got.hasMore())
                break;
            cursor = got.nextCursor;
        }
        QCOMPARE(seen, expected);
        // Images page the same way.
        QSet<QString> images;
        int total = 0;
        cursor.clear();
        for (int guard = 0; guard < 100; ++guard) {
            const CachePage<Output> got = m_store->images(p.id, 9, cursor);
            for (const Output &o : got.rows)
                images.insert(o.id);
            total += got.rows.size();
            if (!got.hasMore())
                break;
            cursor = got.nextCursor;
        }
        QCOMPARE(total, 120);
        QCOMPARE(images.size(), 120);
        QVERIFY(!m_store->generations(s.id, 5, QStringLiteral("garbage")).ok());
    }

    void searchTakesUserTextLiterally()
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        const QStringList prompts{QStringLiteral("a lighthouse at dusk, watercolour"), QStringLiteral("she said \"hello\" AND left"),
                                  QStringLiteral("prompt:colon (paren) NEAR star*"), QStringLiteral("Café crème au lait"),
                                  QStringLiteral("an OR gate and a NOT gate")};
        QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("session"), s.toJson())};
        for (int i = 0; i < prompts.size(); ++i)
            page << upsertChange(3 + i, QStringLiteral("generation"), synthGeneration(s.id, prompts[i], 100 + i).toJson());
        QVERIFY(apply(page));
        auto hits = [&](const QString &text) {
            const CachePage<Generation> got = m_store->search(text, 10);
            if (!got.ok())
                qWarning().noquote() << text << got.error;
            QStringList found;
            for (const Generation &g : got.rows)
                found << g.prompt;
            return got.ok() ? found : QStringList{QStringLiteral("ERROR")};
        };
        QCOMPARE(hits(QStringLiteral("lighthouse")), QStringList{prompts[0]});
        QCOMPARE(hits(QStringLiteral("LIGHTHO")), QStringList{prompts[0]}); // the last word is a prefix
        QCOMPARE(hits(QStringLiteral("dusk watercolour")), QStringList{prompts[0]});
        QCOMPARE(hits(QStringLiteral("\"hello\"")), QStringList{prompts[1]});
        QCOMPARE(hits(QStringLiteral("\"hello")), QStringList{prompts[1]});
        QCOMPARE(hits(QStringLiteral("hello AND")), QStringList{prompts[1]});
        QCOMPARE(hits(QStringLiteral("prompt:colon")), QStringList{prompts[2]});
        QCOMPARE(hits(QStringLiteral("(paren")), QStringList{prompts[2]});
        QCOMPARE(hits(QStringLiteral("NEAR star*")), QStringList{prompts[2]});
        QCOMPARE(hits(QStringLiteral("cafe")), QStringList{prompts[3]}); // diacritics folded
        QCOMPARE(hits(QStringLiteral("OR NOT")), QStringList{prompts[4]});
        QCOMPARE(hits(QStringLiteral("NOT lighthouse")), QStringList{});
        QCOMPARE(hits(QStringLiteral("\" * ( ) :")), QStringList{});
        QCOMPARE(hits(QString()), QStringList{});
        QCOMPARE(hits(QStringLiteral("zebra")), QStringList{});
    }

    void searchPagesWithoutRepeats()
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("session"), s.toJson())};
        for (int i = 0; i < 30; ++i)
            page << upsertChange(3 + i, QStringLiteral("generation"), synthGeneration(s.id, QStringLiteral("owl number %1").arg(i), 100).toJson());
        QVERIFY(apply(page));
        QSet<QString> ids;
        int total = 0;
        QString cursor;
        for (int guard = 0; guard < 20; ++guard) {
            const CachePage<Generation> got = m_store->search(QStringLiteral("owl"), 7, cursor);
            QVERIFY2(got.ok(), qPrintable(got.error));
            for (const Generation &g : got.rows)
                ids.insert(g.id);
            total += got.rows.size();
            if (!got.hasMore())
                break;
            cursor = got.nextCursor;
        }
        QCOMPARE(total, 30);
        QCOMPARE(ids.size(), 30);
    }

    void badPagesLeaveTheCacheUntouched()
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        QString error;
        QVERIFY(m_store->applyChangesPage({upsertChange(10, QStringLiteral("project"), p.toJson())}, QStringLiteral("10"), nullptr, &error));
        QCOMPARE(m_store->syncPosition(), QStringLiteral("10"));
        // Backwards.
        const Project q = synthProject(QStringLiteral("Q"), 2);
        QVERIFY(!m_store->applyChangesPage({upsertChange(5, QStringLiteral("project"), q.toJson())}, QStringLiteral("5"), nullptr, &error));
        QVERIFY2(error.contains(QLatin1String("backwards")), qPrintable(error));
        QVERIFY(!m_store->project(q.id));
        QCOMPARE(m_store->syncPosition(), QStringLiteral("10"));
        // A malformed change after a good one: neither is applied.
        QJsonObject broken = synthSession(p.id, QStringLiteral("S"), 1).toJson();
        broken.insert(QStringLiteral("createdAt"), 42); // wrong type
        error.clear();
        QVERIFY(!m_store->applyChangesPage({upsertChange(11, QStringLiteral("project"), q.toJson()), upsertChange(12, QStringLiteral("session"), broken)},
                                           QStringLiteral("12"), nullptr, &error));
        QVERIFY2(error.contains(QLatin1String("change 1")), qPrintable(error));
        QVERIFY(!m_store->project(q.id));
        QCOMPARE(m_store->syncPosition(), QStringLiteral("10"));
        QVERIFY(!m_store->applyChangesPage({QJsonValue(3)}, QStringLiteral("13"), nullptr, &error));
        QVERIFY(!m_store->applyChangesPage({}, QString(), nullptr, &error));
        // Unknown kinds and ops from a newer server are skipped; the page goes through.
        QVERIFY(m_store->applyChangesPage({QJsonObject{{QStringLiteral("rev"), 13}, {QStringLiteral("kind"), QStringLiteral("comment")},
                                                       {QStringLiteral("op"), QStringLiteral("upsert")}, {QStringLiteral("id"), QStringLiteral("c1")},
                                                       {QStringLiteral("data"), QJsonObject{}}},
                                           upsertChange(14, QStringLiteral("project"), q.toJson())},
                                          QStringLiteral("14"), nullptr, &error));
        QVERIFY(m_store->project(q.id));
        // Opaque positions (not decimal) are stored as given.
        QVERIFY(m_store->applyChangesPage({}, QStringLiteral("snap:abc"), nullptr, &error));
        QCOMPARE(m_store->syncPosition(), QStringLiteral("snap:abc"));
    }

    void trackerAndPendingRows()
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        QVERIFY(apply({upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("session"), s.toJson())}));
        // A generation requested offline shows as pending until the server's row with its clientId arrives.
        Generation local = synthGeneration(s.id, QStringLiteral("offline wish"), 500);
        local.status = GenerationStatus::Queued;
        local.clientId = newUuidV7();
        QString error;
        QVERIFY2(m_store->storePending(QStringLiteral("generation"), local.toJson(), nullptr, &error), qPrintable(error));
        CachePage<Generation> page = m_store->generations(s.id, 10);
        QCOMPARE(page.rows.size(), 1);
        QVERIFY(page.pending.contains(local.id));
        QCOMPARE(m_store->counts().pendingRows, 1);
        QCOMPARE(m_store->inFlightGenerations().size(), 1);

        Generation server = synthGeneration(s.id, QStringLiteral("offline wish"), 600);
        server.status = GenerationStatus::Processing;
        server.clientId = local.clientId;
        CacheChanges changed;
        QVERIFY(apply({upsertChange(3, QStringLiteral("generation"), server.toJson())}, &changed));
        QVERIFY(changed.removedGenerations.contains(local.id));
        page = m_store->generations(s.id, 10);
        QCOMPARE(page.rows.size(), 1);
        QCOMPARE(page.rows.first().id, server.id);
        QVERIFY(page.pending.isEmpty());

        // The tracker's poll finishes it with an output.
        Generation polled = server;
        polled.status = GenerationStatus::Completed;
        polled.progress = 100;
        polled.outputs = QList<Output>{synthOutput(server, 700)};
        CacheChanges tracked;
        QVERIFY2(m_store->updateGenerations({polled, synthGeneration(s.id, QStringLiteral("unknown"), 1)}, &tracked, &error), qPrintable(error));
        QVERIFY(tracked.outputs.contains(polled.outputs->first().id));
        const auto stored = m_store->generation(server.id);
        QVERIFY(stored);
        QCOMPARE(stored->status, GenerationStatus::Completed);
        QCOMPARE(stored->outputs->size(), 1);
        QCOMPARE(stored->clientId, local.clientId);
        QVERIFY(m_store->inFlightGenerations().isEmpty());
        QCOMPARE(m_store->counts().generations, 1); // the unknown one was not added

        // A pending project the server refused goes; a confirmed one stays.
        const Project offline = synthProject(QStringLiteral("Offline"), 9);
        QVERIFY(m_store->storePending(QStringLiteral("project"), offline.toJson(), nullptr, &error));
        QVERIFY(m_store->dropPending(QStringLiteral("project"), offline.id, nullptr, &error));
        QVERIFY(m_store->dropPending(QStringLiteral("project"), p.id, nullptr, &error));
        QVERIFY(!m_store->project(offline.id));
        QVERIFY(m_store->project(p.id));
    }

    void outboxKeepsOrderAndReasons()
    {
        QString error;
        OutboxEntry create{0, 0, QStringLiteral("project.create"), "POST", QStringLiteral("/api/projects"), "{\"name\":\"X\"}",
                           newUuidV7(), {}, 0, OutboxState::Queued, {}};
        const qint64 first = m_store->enqueueOutbox(create, &error);
        QVERIFY2(first > 0, qPrintable(error));
        OutboxEntry rename{0, 0, QStringLiteral("project.rename"), "PATCH", QStringLiteral("/api/projects/x"), "{}", {}, QStringLiteral("7"),
                           first, OutboxState::Queued, {}};
        const qint64 second = m_store->enqueueOutbox(rename, &error);
        const qint64 third = m_store->enqueueOutbox(create, &error);
        QVERIFY(second > first && third > second);
        auto next = m_store->nextQueuedOutbox(&error);
        QVERIFY(next);
        QCOMPARE(next->id, first);
        QCOMPARE(next->method, QByteArray("POST"));
        QCOMPARE(next->idempotencyKey, create.idempotencyKey);
        QVERIFY(m_store->markOutbox(first, OutboxState::Failed, QStringLiteral("refused: name taken"), &error));
        next = m_store->nextQueuedOutbox(&error);
        QCOMPARE(next->id, third); // the rename waits on what it depends on
        QVERIFY(m_store->markOutbox(third, OutboxState::Sent, {}, &error));
        QVERIFY(m_store->markOutbox(second, OutboxState::Conflict, QStringLiteral("renamed elsewhere"), &error));
        const QList<OutboxEntry> pending = m_store->pendingOutbox(&error);
        QCOMPARE(pending.size(), 2);
        QCOMPARE(pending[0].reason, QStringLiteral("refused: name taken"));
        QCOMPARE(pending[1].state, OutboxState::Conflict);
        QCOMPARE(pending[1].ifMatch, QStringLiteral("7"));
        QCOMPARE(m_store->counts().outboxConflicts, 1);
        QVERIFY(!m_store->nextQueuedOutbox(&error));
        QVERIFY(!m_store->markOutbox(999, OutboxState::Sent, {}, &error));
    }

    void bootstrapStoresProfileAndModels()
    {
        const QJsonObject bootstrap{
            {QStringLiteral("profile"), QJsonObject{{QStringLiteral("id"), newUuidV7()}, {QStringLiteral("email"), QStringLiteral("a@b.c")},
                                                    {QStringLiteral("displayName"), QStringLiteral("A")}, {QStringLiteral("credits"), 42}}},
            {QStringLiteral("models"), QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("sketch")}, {QStringLiteral("name"), QStringLiteral("Sketch")},
                                                              {QStringLiteral("provider"), QStringLiteral("builtin")}, {QStringLiteral("type"), QStringLiteral("image")},
                                                              {QStringLiteral("aspectRatios"), QJsonArray{QStringLiteral("1:1")}},
                                                              {QStringLiteral("resolutions"), QJsonArray{QStringLiteral("512")}},
                                                              {QStringLiteral("maxOutputs"), 4}, {QStringLiteral("cost"), 1},
                                                              {QStringLiteral("available"), true}, {QStringLiteral("maxReferenceImages"), 0},
                                                              {QStringLiteral("description"), QStringLiteral("d")}}}},
            {QStringLiteral("limits"), QJsonObject{{QStringLiteral("generationPageMax"), 50}}}};
        QString error;
        QVERIFY2(m_store->applyBootstrap(bootstrap, &error), qPrintable(error));
        QCOMPARE(m_store->profile()->credits, 42);
        QCOMPARE(m_store->models().size(), 1);
        QCOMPARE(m_store->limits().value(QStringLiteral("generationPageMax")).toInt(), 50);
    }
};

QTEST_GUILESS_MAIN(TestCacheStore)
#include "tst_cachestore.moc"
