// The sync engine against a real vesper-server: three users write at random at the same time while
// their clients sync; afterwards every client's cache holds exactly what the server's lists show
// that user. A revoked membership and a session made private disappear from the member's cache.
#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/sync/syncengine.h"
#include "apifixtures.h"
#include "testclient.h"
#include "testserver.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <thread>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {

/// One user's client: its own HTTP client, API, cache and sync engine.
struct UserClient {
    TestUser user;
    HttpClient http;
    ApiClient api;
    QTemporaryDir dir;
    CacheDatabase database;
    CacheStore cache;
    SyncEngine sync;

    UserClient(const TestUser &u, const QString &baseUrl)
        : user(u)
        , api(&http, baseUrl)
        , database(dir.path())
        , cache(database)
        , sync(api, cache)
    {
        api.setFixedToken(u.accessToken);
    }
};

QSet<QString> ids(const QJsonArray &rows)
{
    QSet<QString> out;
    for (const QJsonValue &row : rows)
        out.insert(row.toObject().value(QStringLiteral("id")).toString());
    return out;
}

/// Every page of a REST list (data + nextCursor).
QJsonArray allRows(TestClient &client, const QString &path, const QString &token)
{
    QJsonArray rows;
    QString cursor;
    for (int guard = 0; guard < 1000; ++guard) {
        const QString sep = path.contains(QLatin1Char('?')) ? QStringLiteral("&") : QStringLiteral("?");
        const Reply page = client.get(path + (cursor.isEmpty() ? QString() : sep + QStringLiteral("cursor=") + cursor), token);
        if (page.status != 200)
            return rows;
        for (const QJsonValue &row : page.data())
            rows.append(row);
        cursor = page.json.value(QStringLiteral("nextCursor")).toString();
        if (cursor.isEmpty())
            break;
    }
    return rows;
}

/// What the server's lists show the user, as sets of ids per kind.
struct Visible {
    QSet<QString> projects, sessions, generations;
};

Visible serverView(TestClient &client, const QString &token, int *unfinished = nullptr)
{
    Visible v;
    if (unfinished)
        *unfinished = 0;
    const QJsonArray projects = allRows(client, QStringLiteral("/api/projects/with-thumbnails?scope=all&limit=50"), token);
    v.projects = ids(projects);
    for (const QString &p : std::as_const(v.projects)) {
        const Reply sessions = client.get(QStringLiteral("/api/sessions?projectId=") + p, token);
        for (const QString &s : ids(sessions.data())) {
            v.sessions.insert(s);
            const QJsonArray generations = allRows(client, QStringLiteral("/api/generations?limit=50&sessionId=") + s, token);
            v.generations += ids(generations);
            for (const QJsonValue &g : generations) {
                const QString status = g.toObject().value(QStringLiteral("status")).toString();
                if (unfinished && (status == QLatin1String("queued") || status == QLatin1String("processing")))
                    ++*unfinished;
            }
        }
    }
    return v;
}

Visible cacheView(CacheStore &cache)
{
    Visible v;
    QString cursor;
    do {
        const CachePage<Project> projects = cache.projects(200, cursor);
        for (const Project &p : projects.rows) {
            v.projects.insert(p.id);
            QString sc;
            do {
                const CachePage<Session> sessions = cache.sessions(p.id, 200, sc);
                for (const Session &s : sessions.rows) {
                    v.sessions.insert(s.id);
                    QString gc;
                    do {
                        const CachePage<Generation> gens = cache.generations(s.id, 200, gc);
                        for (const Generation &g : gens.rows)
                            v.generations.insert(g.id);
                        gc = gens.nextCursor;
                    } while (!gc.isEmpty());
                }
                sc = sessions.nextCursor;
            } while (!sc.isEmpty());
        }
        cursor = projects.nextCursor;
    } while (!cursor.isEmpty());
    return v;
}

/// One random write by `me`, through the typed API (as the app would make it). An invitation is
/// accepted at once by the invitee through `raw` (the typed API has no accept yet), so memberships
/// come and go as before.
void randomWrite(ApiClient &api, TestClient &raw, const QList<TestUser> &everyone, const TestUser &me, QRandomGenerator &random)
{
    const ApiResult<Page<Project>> mine = api.projects(50, {}, QStringLiteral("mine"));
    const QList<Project> projects = mine.ok() ? mine.value.items : QList<Project>();
    const int choice = int(random.bounded(10));
    if (projects.isEmpty() || choice == 0) {
        api.createProject(QStringLiteral("p%1").arg(random.bounded(100000)));
        return;
    }
    const Project &p = projects.at(int(random.bounded(qsizetype(projects.size()))));
    const TestUser &other = everyone.at(int(random.bounded(qsizetype(everyone.size()))));
    const ApiResult<QList<Session>> sessions = api.sessions(p.id);
    const QList<Session> list = sessions.ok() ? sessions.value : QList<Session>();
    switch (choice) {
    case 1: api.updateProject(p.id, QJsonObject{{QStringLiteral("isShared"), !p.isShared}}); break;
    case 2: if (other.id != me.id) addMember(raw, me, p.id, other, QStringLiteral("editor")); break;
    case 3: if (other.id != me.id) api.removeMember(p.id, other.id); break;
    case 4: api.createSession(p.id, QStringLiteral("s%1").arg(random.bounded(1000)), random.bounded(2) == 0); break;
    case 5:
        if (!list.isEmpty())
            api.updateSession(list.first().id, QJsonObject{{QStringLiteral("isPrivate"), !list.first().isPrivate}});
        break;
    case 6:
    case 7:
        if (!list.isEmpty()) {
            GenerateParams params;
            params.sessionId = list.last().id;
            params.modelId = QStringLiteral("sketch");
            params.prompt = QStringLiteral("random %1").arg(random.bounded(1000));
            params.resolution = QStringLiteral("512");
            api.generate(params);
        }
        break;
    case 8: api.updateProject(p.id, QJsonObject{{QStringLiteral("name"), QStringLiteral("renamed %1").arg(random.bounded(1000))}}); break;
    default:
        if (list.size() > 1)
            api.deleteSession(list.first().id);
        else if (projects.size() > 2)
            api.deleteProject(p.id);
        break;
    }
}

} // namespace

class TestSyncConvergence : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void threeUsersConverge();
    void revokedAndPrivateDisappear();

private:
    TestServer m_server;
};

void TestSyncConvergence::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    QVERIFY2(m_server.start(&reason), qPrintable(reason));
}

void TestSyncConvergence::threeUsersConverge()
{
    TestClient admin(m_server.baseUrl());
    QList<TestUser> users;
    for (int i = 0; i < 3; ++i)
        users.append(admin.signUp(QStringLiteral("writer%1@example.com").arg(i)));
    std::vector<std::unique_ptr<UserClient>> clients;
    for (const TestUser &u : users)
        clients.push_back(std::make_unique<UserClient>(u, m_server.baseUrl()));
    for (auto &c : clients) {
        QString error;
        QVERIFY2(c->database.open(&error), qPrintable(error));
    }

    // Writers and syncing readers at once: each user writes 40 times while its client syncs.
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            QRandomGenerator random(quint32(1000 + i));
            UserClient &me = *clients[size_t(i)];
            TestClient raw(m_server.baseUrl());
            for (int step = 0; step < 40; ++step) {
                randomWrite(me.api, raw, users, me.user, random);
                if (step % 5 == 0)
                    me.sync.syncNow();
            }
            me.database.closeThreadConnection();
        });
    }
    for (std::thread &t : threads)
        t.join();

    // The server's workers still move the last generations (status, outputs: new revs). A sync that
    // runs while they do ends at the head it read first and rightly leaves a row that moved past it
    // for the next one; convergence is asserted once the server has stopped changing.
    TestClient watcher(m_server.baseUrl());
    QDeadlineTimer quiet(60000);
    for (;;) {
        int unfinished = 0;
        for (const TestUser &u : users) {
            int mine = 0;
            serverView(watcher, u.accessToken, &mine);
            unfinished += mine;
        }
        if (unfinished == 0)
            break;
        QVERIFY2(!quiet.hasExpired(), "the server's generations did not finish");
        QTest::qWait(100);
    }

    for (auto &c : clients) {
        const SyncReport report = c->sync.syncNow();
        QVERIFY2(report.ok(), qPrintable(describe(report.error)));
        TestClient reader(m_server.baseUrl());
        const Visible server = serverView(reader, c->user.accessToken);
        const Visible cached = cacheView(c->cache);
        QCOMPARE(cached.projects, server.projects);
        QCOMPARE(cached.sessions, server.sessions);
        QCOMPARE(cached.generations, server.generations);
        QVERIFY(!server.projects.isEmpty());
    }
}

void TestSyncConvergence::revokedAndPrivateDisappear()
{
    TestClient admin(m_server.baseUrl());
    const TestUser owner = admin.signUp(QStringLiteral("owner@example.com"));
    const TestUser member = admin.signUp(QStringLiteral("member@example.com"));
    UserClient ownerClient(owner, m_server.baseUrl());
    UserClient memberClient(member, m_server.baseUrl());
    QString error;
    QVERIFY(memberClient.database.open(&error));

    const ApiResult<Project> project = ownerClient.api.createProject(QStringLiteral("Shared"), {}, true);
    QVERIFY(project.ok());
    QCOMPARE(addMember(admin, owner, project.value.id, member, QStringLiteral("viewer")).status, 200); // invited and accepted
    const ApiResult<Session> hidden = ownerClient.api.createSession(project.value.id, QStringLiteral("to hide"));
    QVERIFY(hidden.ok());
    QVERIFY(memberClient.sync.syncNow().ok());
    QVERIFY(memberClient.cache.project(project.value.id));
    QCOMPARE(memberClient.cache.sessions(project.value.id, 50).rows.size(), 2);

    // A session made private leaves the member's cache.
    QVERIFY(ownerClient.api.updateSession(hidden.value.id, QJsonObject{{QStringLiteral("isPrivate"), true}}).ok());
    CacheChanges seen;
    connect(&memberClient.sync, &SyncEngine::changed, this, [&seen](const CacheChanges &c) { seen.merge(c); }, Qt::DirectConnection);
    QVERIFY(memberClient.sync.syncNow().ok());
    QCOMPARE(memberClient.cache.sessions(project.value.id, 50).rows.size(), 1);
    QVERIFY(seen.removedSessions.contains(hidden.value.id));

    // A revoked membership takes the whole project away.
    QVERIFY(ownerClient.api.removeMember(project.value.id, member.id).ok());
    QVERIFY(memberClient.sync.syncNow().ok());
    QVERIFY(!memberClient.cache.project(project.value.id));
    QVERIFY(memberClient.cache.sessions(project.value.id, 50).rows.isEmpty());
    QVERIFY(seen.removedProjects.contains(project.value.id));
}

QTEST_GUILESS_MAIN(TestSyncConvergence)
#include "tst_sync_convergence.moc"
