// kill -9 in the middle of a sync, twenty times. A child (this binary run as `tst_cachecrash
// --apply-loop PAGES DIR`) applies real feed pages from a real vesper-server to a cache over and over
// (clearing it after the last page); it is SIGKILLed at random moments. After each kill the cache
// opens, passes quick_check, and holds exactly the rows of the pages up to its stored position (a
// clean cache fed the same pages agrees); finishing the sync then converges to the server's state.
#include "apifixtures.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
// Pages as fetched: [{since, changes, nextSince}], in order.
QJsonArray readPages(const QString &file)
{
    QFile f(file);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).array();
}

// Applies, from the cache's position, every page until the last; returns false on an error.
bool applyRemaining(CacheStore &store, const QJsonArray &pages, QString *error)
{
    for (const QJsonValue &value : pages) {
        const QJsonObject page = value.toObject();
        if (page.value(QStringLiteral("since")).toString() != store.syncPosition())
            continue;
        if (!store.applyChangesPage(page.value(QStringLiteral("changes")).toArray(), page.value(QStringLiteral("nextSince")).toString(), nullptr, error))
            return false;
    }
    return true;
}

int applyLoop(const QString &pagesFile, const QString &dir)
{
    const QJsonArray pages = readPages(pagesFile);
    CacheDatabase db(dir);
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "apply-loop: %s\n", qPrintable(error));
        return 1;
    }
    CacheStore store(db);
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) {
        if (!applyRemaining(store, pages, &error) || !store.clear(&error)) {
            std::fprintf(stderr, "apply-loop: %s\n", qPrintable(error));
            return 1;
        }
    }
}

// Every row id of the cache, by table, for comparing two caches.
QMap<QString, QStringList> snapshot(CacheDatabase &db)
{
    QMap<QString, QStringList> rows;
    for (const char *table : {"projects", "sessions", "generations", "outputs"}) {
        QSqlQuery q(db.connection());
        q.exec(QStringLiteral("SELECT id FROM %1 ORDER BY id").arg(QLatin1String(table)));
        while (q.next())
            rows[QLatin1String(table)] << q.value(0).toString();
    }
    QSqlQuery fts(db.connection());
    fts.exec(QStringLiteral("SELECT count(*) FROM generations_fts"));
    fts.next();
    rows[QStringLiteral("fts")] << fts.value(0).toString();
    return rows;
}
} // namespace

class TestCacheCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void killedSyncsLeaveAConsistentCache()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        TestServer server;
        server.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
        QString error;
        QVERIFY2(server.start(&error), qPrintable(error));
        TestClient client(server.baseUrl());
        const TestUser owner = client.signUp(QStringLiteral("crash@example.com"));
        QVERIFY(!owner.id.isEmpty());
        TestData data(server.dbUrl());
        QVERIFY2(data.isOpen(), qPrintable(data.lastError()));
        // A library big enough that a page takes a while to apply: 3 projects x 2 sessions x 500 images.
        const qint64 t0 = TestData::nowMicros() - 3600LL * 1000000;
        for (int p = 0; p < 3; ++p) {
            const QString projectId = createProject(client, owner, QStringLiteral("Crash %1").arg(p), false);
            QVERIFY(!projectId.isEmpty());
            QStringList sessions{firstSession(client, owner, projectId)};
            const Reply created = client.post(QStringLiteral("/api/sessions"), {{QStringLiteral("projectId"), projectId},
                                                                               {QStringLiteral("name"), QStringLiteral("Second")}},
                                              owner.accessToken);
            EXPECT_STATUS(created, 201);
            sessions << created.json.value(QStringLiteral("id")).toString();
            for (const QString &sessionId : sessions) {
                QList<GenerationRow> generations;
                QList<OutputRow> outputs;
                for (int i = 0; i < 500; ++i) {
                    GenerationRow g;
                    g.id = TestData::newId();
                    g.sessionId = sessionId;
                    g.projectId = projectId;
                    g.userId = owner.id;
                    g.prompt = QStringLiteral("crash test picture %1 of a harbour").arg(i);
                    g.createdAt = t0 + i * 1000;
                    generations << g;
                    OutputRow o;
                    o.generationId = g.id;
                    o.sessionId = sessionId;
                    o.projectId = projectId;
                    o.createdAt = g.createdAt;
                    outputs << o;
                }
                QVERIFY2(data.insert(generations, outputs), qPrintable(data.lastError()));
            }
        }
        QVERIFY(repairStats(server));
        // Fetch the whole feed once, as pages of 250.
        QJsonArray pages;
        QString since = QStringLiteral("0");
        for (int guard = 0; guard < 1000; ++guard) {
            const Reply reply = client.get(QStringLiteral("/api/changes?since=%1&limit=250").arg(since), owner.accessToken);
            EXPECT_STATUS(reply, 200);
            const QJsonValue next = reply.json.value(QStringLiteral("nextSince"));
            const QString nextText = next.isDouble() ? QString::number(next.toInteger()) : next.toString();
            pages.append(QJsonObject{{QStringLiteral("since"), since}, {QStringLiteral("nextSince"), nextText},
                                     {QStringLiteral("changes"), reply.json.value(QStringLiteral("changes"))}});
            since = nextText;
            if (!reply.json.value(QStringLiteral("hasMore")).toBool())
                break;
        }
        QVERIFY(pages.size() > 10);
        QTemporaryDir dir;
        const QString pagesFile = dir.filePath(QStringLiteral("pages.json"));
        {
            QFile f(pagesFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QJsonDocument(pages).toJson(QJsonDocument::Compact));
        }
        const QString cacheDir = dir.filePath(QStringLiteral("cache"));
        QSet<QString> positionsSeen;
        for (int round = 0; round < 20; ++round) {
            QProcess child;
            child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--apply-loop"), pagesFile, cacheDir});
            QVERIFY(child.waitForStarted());
            QVERIFY(child.waitForReadyRead(30000));
            QThread::msleep(QRandomGenerator::global()->bounded(50, 1500));
            QCOMPARE(child.state(), QProcess::Running); // still looping: no error
            child.kill(); // SIGKILL
            QVERIFY(child.waitForFinished());

            CacheDatabase db(cacheDir);
            QVERIFY2(db.open(&error), qPrintable(error));
            QVERIFY2(!db.wasRebuilt(), "a killed sync must never damage the file");
            QVERIFY2(db.quickCheck(&error), qPrintable(error));
            CacheStore store(db);
            const QString position = store.syncPosition();
            positionsSeen.insert(position);
            // The same pages up to that position, applied cleanly, give the same rows.
            CacheDatabase reference(dir.filePath(QStringLiteral("reference-%1").arg(round)));
            QVERIFY2(reference.open(&error), qPrintable(error));
            CacheStore referenceStore(reference);
            for (const QJsonValue &value : pages) {
                const QJsonObject page = value.toObject();
                if (position == QLatin1String("0"))
                    break;
                QVERIFY(referenceStore.applyChangesPage(page.value(QStringLiteral("changes")).toArray(),
                                                        page.value(QStringLiteral("nextSince")).toString(), nullptr, &error));
                if (page.value(QStringLiteral("nextSince")).toString() == position)
                    break;
            }
            QCOMPARE(referenceStore.syncPosition(), position);
            QVERIFY2(snapshot(db) == snapshot(reference), qPrintable(QStringLiteral("round %1 at position %2").arg(round).arg(position)));
        }
        qInfo() << "positions seen after kills:" << positionsSeen.size();
        QVERIFY(positionsSeen.size() > 1); // the kills did land at different points

        // Finishing the sync converges to what the server lists.
        CacheDatabase db(cacheDir);
        QVERIFY2(db.open(&error), qPrintable(error));
        CacheStore store(db);
        QVERIFY2(applyRemaining(store, pages, &error), qPrintable(error));
        QCOMPARE(store.syncPosition(), since);
        const Reply projects = client.get(QStringLiteral("/api/projects/with-thumbnails?limit=50"), owner.accessToken);
        EXPECT_STATUS(projects, 200);
        QCOMPARE(store.counts().projects, projects.data().size());
        QCOMPARE(store.counts().generations, 3 * 2 * 500);
        QCOMPARE(store.counts().outputs, 3 * 2 * 500);
        for (const QJsonValue &p : projects.data()) {
            const QString projectId = p.toObject().value(QStringLiteral("id")).toString();
            const Reply images = client.get(QStringLiteral("/api/projects/%1/images?limit=100").arg(projectId), owner.accessToken);
            EXPECT_STATUS(images, 200);
            QStringList rest, cached;
            for (const QJsonValue &o : images.data())
                rest << o.toObject().value(QStringLiteral("id")).toString();
            for (const Output &o : store.images(projectId, 100).rows)
                cached << o.id;
            QCOMPARE(cached, rest);
        }
    }
};

int main(int argc, char **argv)
{
    if (argc == 4 && qstrcmp(argv[1], "--apply-loop") == 0) {
        QCoreApplication app(argc, argv);
        return applyLoop(QString::fromLocal8Bit(argv[2]), QString::fromLocal8Bit(argv[3]));
    }
    QCoreApplication app(argc, argv);
    TestCacheCrash test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cachecrash.moc"
