// The outbox against a real vesper-server: writes queued while the server is down are sent in order
// when it returns, each exactly once (a replay after a crash included); a session made in a project
// created offline follows the project's new id; an offline rename that lost to a newer one ends as a
// conflict with its reason, not applied; a refused write stays listed with the server's reason.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/outbox.h"
#include "client/sync/syncengine.h"
#include "testclient.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

class TestOutbox : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void queuedWhileDownSentOnceInOrder();
    void replayAfterCrashCreatesNothingTwice();
    void staleRenameIsAConflict();
    void refusedWriteKeepsItsReason();
    void twoOutboxesOnOneFolderSendEachOnce();

private:
    struct Client {
        HttpClient http;
        ApiClient api;
        QTemporaryDir dir;
        CacheDatabase database;
        CacheStore cache;
        Outbox outbox;
        SyncEngine sync;
        /// folder: another client's cache folder to share (empty: a folder of its own).
        Client(const QString &base, const QString &token, const QString &folder = {})
            : api(&http, base), database(folder.isEmpty() ? dir.path() : folder), cache(database), outbox(api, cache), sync(api, cache)
        {
            api.setFixedToken(token);
        }
    };
    std::unique_ptr<Client> newClient(const TestUser &user, const QString &folder = {})
    {
        auto c = std::make_unique<Client>(m_server.baseUrl(), user.accessToken, folder);
        QString error;
        if (!c->database.open(&error))
            qWarning() << error;
        return c;
    }
    TestServer m_server;
    TestUser m_user;
};

void TestOutbox::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_server.start(&reason), qPrintable(reason));
    TestClient client(m_server.baseUrl());
    m_user = client.signUp(QStringLiteral("outbox@example.com"));
    QVERIFY(!m_user.id.isEmpty());
}

void TestOutbox::queuedWhileDownSentOnceInOrder()
{
    auto c = newClient(m_user);
    QVERIFY(c->sync.syncNow().ok());
    const quint16 port = m_server.port();
    m_server.stop();

    const OutboxWrite project = c->outbox.createProject(QStringLiteral("Made offline"));
    QVERIFY2(project.ok(), qPrintable(project.error));
    const OutboxWrite session = c->outbox.createSession(project.localId, QStringLiteral("Offline session"));
    QVERIFY(session.ok());
    // Shown at once, marked pending.
    const CachePage<Project> shown = c->cache.projects(50);
    QVERIFY(shown.pending.contains(project.localId));

    const FlushReport down = c->outbox.flush();
    QCOMPARE(down.sent, 0);
    QVERIFY(down.stoppedBy.isTransient());
    QCOMPARE(c->outbox.pending().size(), 2);

    QString reason;
    QVERIFY2(m_server.start(&reason, {QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port)}), qPrintable(reason));
    QTRY_VERIFY_WITH_TIMEOUT(c->http.isOnline() || c->api.send("GET", QStringLiteral("/healthz")).ok(), 15000);
    const FlushReport up = c->outbox.flush();
    QCOMPARE(up.sent, 2);
    QCOMPARE(up.failed, 0);
    const QString serverProject = up.createdIds.value(project.localId);
    QVERIFY(!serverProject.isEmpty());
    QVERIFY(c->outbox.pending().isEmpty());
    QCOMPARE(c->outbox.flush().sent, 0); // nothing twice

    QVERIFY(c->sync.syncNow().ok());
    QVERIFY(c->cache.project(serverProject));
    QVERIFY(!c->cache.project(project.localId)); // the placeholder is gone
    const CachePage<Session> sessions = c->cache.sessions(serverProject, 50);
    QStringList names;
    for (const Session &s : sessions.rows)
        names.append(s.name);
    QVERIFY2(names.contains(QStringLiteral("Offline session")), qPrintable(names.join(',')));
    const ApiResult<Page<Project>> listed = c->api.projects(50);
    int count = 0;
    for (const Project &p : listed.value.items)
        count += p.name == QLatin1String("Made offline");
    QCOMPARE(count, 1);
}

void TestOutbox::replayAfterCrashCreatesNothingTwice()
{
    auto c = newClient(m_user);
    const OutboxWrite write = c->outbox.createProject(QStringLiteral("Sent twice"));
    QVERIFY(write.ok());
    const std::optional<OutboxEntry> entry = c->cache.nextQueuedOutbox();
    QVERIFY(entry);
    QCOMPARE(c->outbox.flush().sent, 1);
    // A crash after the server answered but before the entry was marked: the same entry goes again.
    OutboxEntry again = *entry;
    again.id = 0;
    QString error;
    QVERIFY2(c->cache.enqueueOutbox(again, &error) > 0, qPrintable(error));
    const FlushReport replay = c->outbox.flush();
    QCOMPARE(replay.sent, 1);
    QVERIFY(!replay.createdIds.value(write.localId).isEmpty()); // the first answer, replayed
    int count = 0;
    for (const Project &p : c->api.projects(50).value.items)
        count += p.name == QLatin1String("Sent twice");
    QCOMPARE(count, 1);
}

void TestOutbox::staleRenameIsAConflict()
{
    auto c = newClient(m_user);
    const ApiResult<Project> created = c->api.createProject(QStringLiteral("Contested"));
    QVERIFY(created.ok());
    QVERIFY(created.value.rev);
    const QString seenRev = QString::number(*created.value.rev);
    // Another device renames it first.
    QVERIFY(c->api.updateProject(created.value.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("Newer name")}}).ok());
    // The offline edit, made against the old rev, is replayed later.
    QVERIFY(c->outbox.updateProject(created.value.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("Offline name")}}, seenRev).ok());
    const FlushReport report = c->outbox.flush();
    QCOMPARE(report.conflicts, 1);
    QCOMPARE(report.sent, 0);
    const QList<OutboxEntry> pending = c->outbox.pending();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().state, OutboxState::Conflict);
    QVERIFY(pending.first().reason.contains(QLatin1String("not applied")));
    QCOMPARE(c->api.project(created.value.id).value.name, QStringLiteral("Newer name"));
}

void TestOutbox::refusedWriteKeepsItsReason()
{
    auto c = newClient(m_user);
    const OutboxWrite write = c->outbox.createSession(QStringLiteral("01890000-0000-7000-8000-000000000000"), QStringLiteral("Nowhere"));
    QVERIFY(write.ok());
    const FlushReport report = c->outbox.flush();
    QCOMPARE(report.failed, 1);
    const QList<OutboxEntry> pending = c->outbox.pending();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending.first().state, OutboxState::Failed);
    QVERIFY(!pending.first().reason.isEmpty());
    QCOMPARE(c->outbox.flush().failed, 0); // not retried
}

// The app and vesper-cli share one cache: two outboxes on the same folder flushing at once send each
// entry once. Each entry is a rename with If-Match, so one sent twice would come back a 412 conflict.
void TestOutbox::twoOutboxesOnOneFolderSendEachOnce()
{
    auto first = newClient(m_user);
    auto second = newClient(m_user, first->database.directory());
    constexpr int kRenames = 24;
    QStringList ids;
    for (int i = 0; i < kRenames; ++i) {
        const ApiResult<Project> created = first->api.createProject(QStringLiteral("Shared %1").arg(i));
        QVERIFY(created.ok() && created.value.rev);
        ids << created.value.id;
        QVERIFY(first->outbox.updateProject(created.value.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed %1").arg(i)}},
                                            QString::number(*created.value.rev)).ok());
    }
    QCOMPARE(second->outbox.pending().size(), kRenames);
    FlushReport a;
    FlushReport b;
    std::thread other([&] { b = second->outbox.flush(); });
    a = first->outbox.flush();
    other.join();
    QVERIFY2(a.stoppedBy.ok() && b.stoppedBy.ok(), qPrintable(a.stoppedBy.message + b.stoppedBy.message));
    QCOMPARE(a.conflicts + b.conflicts, 0);
    QCOMPARE(a.failed + b.failed, 0);
    QCOMPARE(a.sent + b.sent, kRenames);
    QVERIFY(first->outbox.pending().isEmpty());
    for (int i = 0; i < kRenames; ++i)
        QCOMPARE(first->api.project(ids.at(i)).value.name, QStringLiteral("Renamed %1").arg(i));
    qInfo("sent by the first outbox: %d, by the second: %d", a.sent, b.sent);
}

QTEST_GUILESS_MAIN(TestOutbox)
#include "tst_outbox.moc"
