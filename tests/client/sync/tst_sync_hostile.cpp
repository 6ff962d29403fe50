// The sync engine fed garbage: a cache filled from a real vesper-server is then synced against a
// hostile server — truncated JSON, wrong types, a 100 MiB body, an answer that never finishes, a feed
// that goes backwards, a malformed row. Each run ends with a clear error and the cache exactly as it
// was; afterwards the real server syncs it again as if nothing happened.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/syncengine.h"
#include "hostileserver.h"
#include "testclient.h"
#include "testserver.h"

#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {

/// What must not change: counts, position and the project list.
QString fingerprint(CacheStore &cache)
{
    const CacheCounts c = cache.counts();
    QStringList parts{QString::number(c.projects), QString::number(c.sessions), QString::number(c.generations),
                      QString::number(c.outputs), c.position};
    for (const Project &p : cache.projects(100).rows)
        parts << p.id + QLatin1Char('=') + p.name;
    return parts.join(QLatin1Char('|'));
}

} // namespace

class TestSyncHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void garbageLeavesTheCacheUntouched_data();
    void garbageLeavesTheCacheUntouched();
};

void TestSyncHostile::garbageLeavesTheCacheUntouched_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QByteArray>("body");
    QTest::newRow("truncated JSON") << int(HostileReply::Mode::Normal) << QByteArray(R"({"changes":[{"rev":900,"kind":"project","op":"ups)");
    QTest::newRow("changes not an array") << int(HostileReply::Mode::Normal) << QByteArray(R"({"changes":"all of them","nextSince":"901","hasMore":false})");
    QTest::newRow("no nextSince") << int(HostileReply::Mode::Normal) << QByteArray(R"({"changes":[],"hasMore":false})");
    QTest::newRow("feed goes backwards") << int(HostileReply::Mode::Normal) << QByteArray(R"({"changes":[],"nextSince":"1","hasMore":false})");
    QTest::newRow("malformed row") << int(HostileReply::Mode::Normal)
                                   << QByteArray(R"({"changes":[{"rev":999999,"kind":"project","op":"upsert","id":"x","data":{"id":42}}],"nextSince":"999999","hasMore":false})");
    QTest::newRow("100 MiB body") << int(HostileReply::Mode::Stream) << QByteArray();
    QTest::newRow("never finishes") << int(HostileReply::Mode::HangAfterHeaders) << QByteArray(R"({"changes":[)");
    QTest::newRow("drops mid-body") << int(HostileReply::Mode::DropMidBody) << QByteArray(R"({"changes":[],"nextSince":"999999","hasMore":false})");
}

void TestSyncHostile::garbageLeavesTheCacheUntouched()
{
    QFETCH(int, mode);
    QFETCH(QByteArray, body);
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient admin(server.baseUrl());
    const TestUser user = admin.signUp(QStringLiteral("victim@example.com"));
    HttpClient http;
    ApiClient real(&http, server.baseUrl());
    real.setFixedToken(user.accessToken);
    QVERIFY(real.createProject(QStringLiteral("Keep me")).ok());
    QVERIFY(real.createProject(QStringLiteral("Me too")).ok());

    QTemporaryDir dir;
    CacheDatabase database(dir.path());
    QVERIFY2(database.open(&reason), qPrintable(reason));
    CacheStore cache(database);
    SyncEngine good(real, cache);
    QVERIFY(good.syncNow().ok());
    const QString before = fingerprint(cache);
    QVERIFY(before.contains(QLatin1String("Keep me")));

    HostileServer hostile;
    QVERIFY2(hostile.start(&reason), qPrintable(reason));
    hostile.setHandler([mode, body](const QByteArray &, const QByteArray &path, int) {
        HostileReply reply = HostileReply::json(body);
        if (path == "/api/changes") {
            reply.mode = HostileReply::Mode(mode);
            reply.streamBytes = 100LL << 20;
        }
        return reply;
    });
    HttpClientOptions options;
    options.maxAttempts = 1;
    HttpClient hostileHttp(options);
    ApiClient evil(&hostileHttp, hostile.baseUrl());
    evil.setFixedToken(user.accessToken);
    evil.setTimeoutSeconds(2);
    SyncEngine bad(evil, cache);
    const SyncReport report = bad.syncNow();
    QVERIFY(!report.ok());
    QVERIFY2(!report.error.message.isEmpty(), qPrintable(describe(report.error)));
    QCOMPARE(fingerprint(cache), before);
    QString error;
    QVERIFY2(database.quickCheck(&error), qPrintable(error));

    // The real server again: a new project arrives, nothing was lost.
    QVERIFY(real.createProject(QStringLiteral("After the storm")).ok());
    QVERIFY(good.syncNow().ok());
    QCOMPARE(cache.counts().projects, 3);
}

QTEST_GUILESS_MAIN(TestSyncHostile)
#include "tst_sync_hostile.moc"
