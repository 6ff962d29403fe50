// The sync engine against a real vesper-server: three users write at random at the same time while
// their clients sync; afterwards every client's cache holds exactly what the server's lists show
// that user, row by row and field by field (names, sharing, privacy, roles and members, status,
// outputs and stars). A revoked membership and a session made private disappear from the member's cache.
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
#include <QJsonDocument>
#include <QMap>
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

/// What the server's lists show the user: per kind, each row's id with the fields the app shows
/// (projects: name, isShared, role and members; sessions: name, isPrivate; generations: status,
/// output count and which outputs are starred), so a row that arrived but missed an update differs.
struct Visible {
    QMap<QString, QJsonObject> projects, sessions, generations;
};

QJsonArray sortedStrings(QStringList list)
{
    list.sort();
    return QJsonArray::fromStringList(list);
}

QJsonObject projectFields(const QJsonValue &name, const QJsonValue &isShared, const QJsonValue &role, const QStringList &members)
{
    return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("isShared"), isShared}, {QStringLiteral("role"), role},
                       {QStringLiteral("members"), sortedStrings(members)}};
}

QJsonObject sessionFields(const QJsonValue &name, const QJsonValue &isPrivate)
{
    return QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("isPrivate"), isPrivate}};
}

QJsonObject generationFields(const QString &status, qsizetype outputs, const QStringList &starred)
{
    return QJsonObject{{QStringLiteral("status"), status}, {QStringLiteral("outputs"), qint64(outputs)},
                       {QStringLiteral("starred"), sortedStrings(starred)}};
}

Visible serverView(TestClient &client, const QString &token, int *unfinished = nullptr)
{
    Visible v;
    if (unfinished)
        *unfinished = 0;
    const QJsonArray projects = allRows(client, QStringLiteral("/api/projects/with-thumbnails?scope=all&limit=50"), token);
    for (const QJsonValue &pv : projects) {
        const QJsonObject p = pv.toObject();
        const QString projectId = p.value(QStringLiteral("id")).toString();
        QStringList members;
        for (const QJsonValue &m : client.get(QStringLiteral("/api/projects/%1/members").arg(projectId), token).data())
            members << m[QStringLiteral("userId")].toString() + QLatin1Char(':') + m[QStringLiteral("role")].toString();
        v.projects.insert(projectId, projectFields(p.value(QStringLiteral("name")), p.value(QStringLiteral("isShared")),
                                                   p.value(QStringLiteral("role")), members));
        const Reply sessions = client.get(QStringLiteral("/api/sessions?projectId=") + projectId, token);
        for (const QJsonValue &sv : sessions.data()) {
            const QJsonObject session = sv.toObject();
            const QString s = session.value(QStringLiteral("id")).toString();
            v.sessions.insert(s, sessionFields(session.value(QStringLiteral("name")), session.value(QStringLiteral("isPrivate"))));
            const QJsonArray generations = allRows(client, QStringLiteral("/api/generations?limit=50&sessionId=") + s, token);
            for (const QJsonValue &gv : generations) {
                const QJsonObject g = gv.toObject();
                const QString status = g.value(QStringLiteral("status")).toString();
                if (unfinished && (status == QLatin1String("queued") || status == QLatin1String("processing")))
                    ++*unfinished;
                const QJsonArray outputs = g.value(QStringLiteral("outputs")).toArray();
                QStringList starred;
                for (const QJsonValue &o : outputs) {
                    if (o[QStringLiteral("isStarred")].toBool())
                        starred << o[QStringLiteral("id")].toString();
                }
                v.generations.insert(g.value(QStringLiteral("id")).toString(), generationFields(status, outputs.size(), starred));
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
            QStringList members;
            for (const Member &m : cache.members(p.id))
                members << m.userId + QLatin1Char(':') + memberRoleName(m.role);
            const QJsonObject json = p.toJson();
            v.projects.insert(p.id, projectFields(json.value(QStringLiteral("name")), json.value(QStringLiteral("isShared")),
                                                  json.value(QStringLiteral("role")), members));
            QString sc;
            do {
                const CachePage<Session> sessions = cache.sessions(p.id, 200, sc);
                for (const Session &s : sessions.rows) {
                    v.sessions.insert(s.id, sessionFields(s.name, s.isPrivate));
                    QString gc;
                    do {
                        const CachePage<Generation> gens = cache.generations(s.id, 200, gc);
                        for (const Generation &g : gens.rows) {
                            QStringList starred;
                            const QList<Output> outputs = g.outputs.value_or(QList<Output>());
                            for (const Output &o : outputs) {
                                if (o.isStarred)
                                    starred << o.id;
                            }
                            v.generations.insert(g.id, generationFields(generationStatusName(g.status), outputs.size(), starred));
                        }
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

/// The first difference between the cache's and the server's rows of one kind, or empty.
QString firstDifference(const QString &kind, const QMap<QString, QJsonObject> &cached, const QMap<QString, QJsonObject> &server)
{
    for (auto it = server.cbegin(); it != server.cend(); ++it) {
        if (!cached.contains(it.key()))
            return QStringLiteral("%1 %2 is on the server but not in the cache").arg(kind, it.key());
        if (cached.value(it.key()) != it.value())
            return QStringLiteral("%1 %2: cache %3, server %4").arg(kind, it.key(), QString::fromUtf8(QJsonDocument(cached.value(it.key())).toJson(QJsonDocument::Compact)),
                                                                   QString::fromUtf8(QJsonDocument(it.value()).toJson(QJsonDocument::Compact)));
    }
    for (auto it = cached.cbegin(); it != cached.cend(); ++it) {
        if (!server.contains(it.key()))
            return QStringLiteral("%1 %2 is in the cache but not on the server").arg(kind, it.key());
    }
    return {};
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
    case 7:
        if (!list.isEmpty()) {
            // Star (mostly) or unstar an output of a recent generation that has any, in any session.
            bool starred = false;
            for (const Session &session : list) {
                const ApiResult<Page<Generation>> gens = api.generations(session.id, 5);
                for (const Generation &g : gens.ok() ? gens.value.items : QList<Generation>()) {
                    if (g.outputs && !g.outputs->isEmpty()) {
                        const Output &o = g.outputs->at(int(random.bounded(qsizetype(g.outputs->size()))));
                        api.setStarred(o.id, random.bounded(4) != 0);
                        starred = true;
                        break;
                    }
                }
                if (starred)
                    break;
            }
            if (starred)
                break;
        }
        [[fallthrough]];
    case 6:
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

/// Stars (mostly) or unstars outputs of generations `me` can see, while the generations are done:
/// the random writes above run faster than the sketch model, so they seldom find an output to star.
/// How many stars changed.
int starSome(ApiClient &api, QRandomGenerator &random)
{
    int changed = 0;
    const ApiResult<Page<Project>> projects = api.projects(50);
    for (const Project &p : projects.ok() ? projects.value.items : QList<Project>()) {
        const ApiResult<QList<Session>> sessions = api.sessions(p.id);
        for (const Session &s : sessions.ok() ? sessions.value : QList<Session>()) {
            const ApiResult<Page<Generation>> gens = api.generations(s.id, 10);
            for (const Generation &g : gens.ok() ? gens.value.items : QList<Generation>()) {
                for (const Output &o : g.outputs.value_or(QList<Output>())) {
                    if (random.bounded(3) == 0)
                        continue;
                    // A member who neither owns the project nor made the generation gets a 403.
                    if (api.setStarred(o.id, random.bounded(4) != 0).ok())
                        ++changed;
                }
            }
        }
    }
    return changed;
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

    // Stars on the finished outputs, by every user at once while the others sync.
    std::atomic<int> stars{0};
    threads.clear();
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            QRandomGenerator random(quint32(2000 + i));
            UserClient &me = *clients[size_t(i)];
            stars += starSome(me.api, random);
            me.sync.syncNow();
            me.database.closeThreadConnection();
        });
    }
    for (std::thread &t : threads)
        t.join();
    QVERIFY(stars > 0);

    for (auto &c : clients) {
        const SyncReport report = c->sync.syncNow();
        QVERIFY2(report.ok(), qPrintable(describe(report.error)));
        TestClient reader(m_server.baseUrl());
        const Visible server = serverView(reader, c->user.accessToken);
        const Visible cached = cacheView(c->cache);
        for (const QString &difference : {firstDifference(QStringLiteral("project"), cached.projects, server.projects),
                                          firstDifference(QStringLiteral("session"), cached.sessions, server.sessions),
                                          firstDifference(QStringLiteral("generation"), cached.generations, server.generations)})
            QVERIFY2(difference.isEmpty(), qPrintable(c->user.email + QStringLiteral(": ") + difference));
        QVERIFY(!server.projects.isEmpty());
        qint64 members = 0, starred = 0;
        for (const QJsonObject &p : std::as_const(server.projects))
            members += p.value(QStringLiteral("members")).toArray().size();
        for (const QJsonObject &g : std::as_const(server.generations))
            starred += g.value(QStringLiteral("starred")).toArray().size();
        qInfo("%s: %lld projects (%lld memberships), %lld sessions, %lld generations (%lld starred outputs) match field by field",
              qPrintable(c->user.email), qint64(server.projects.size()), members, qint64(server.sessions.size()),
              qint64(server.generations.size()), starred);
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
