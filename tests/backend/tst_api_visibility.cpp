// The authorization matrix of DESIGN §3: owner, editor, viewer and a stranger, against a shared and an
// unshared project, each with an open and a private session holding images, across every endpoint:
// lists, details, writes, session counts, thumbnails, images, generations and the changes feed.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QUrl>

using namespace vesper::test;

namespace {

QString describe(const Reply &reply)
{
    return QStringLiteral("HTTP %1 %2%3").arg(reply.status).arg(QString::fromUtf8(reply.body.left(600)), reply.networkError);
}

#define EXPECT_STATUS(reply, expected)                                                                                   \
    QVERIFY2((reply).status == (expected),                                                                              \
             qPrintable(QStringLiteral("expected HTTP %1, got %2").arg(expected).arg(describe(reply))))

QString thumbUrl(const QString &outputId)
{
    return QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId);
}

QString enc(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QStringList idsOf(const QList<QJsonObject> &rows)
{
    QStringList ids;
    for (const QJsonObject &row : rows)
        ids << row.value(QStringLiteral("id")).toString();
    return ids;
}

QString setDiff(const QSet<QString> &actual, const QSet<QString> &expected)
{
    QStringList missing(expected.begin(), expected.end());
    missing.removeIf([&](const QString &id) { return actual.contains(id); });
    QStringList extra(actual.begin(), actual.end());
    extra.removeIf([&](const QString &id) { return expected.contains(id); });
    return QStringLiteral("missing [%1] unexpected [%2]").arg(missing.join(QLatin1Char(' ')), extra.join(QLatin1Char(' ')));
}

struct ProjectFixture {
    QString id;
    QString session1, open, priv;  // sessions: the automatic "Session 1", an open one, a private one
    QString gen1, genOpen, genPriv;
    QString out1, outOpen, outPriv; // image outputs; outPriv is the newest, then outOpen, then out1
};

struct World {
    TestUser owner, editor, viewer, stranger;
    ProjectFixture shared, unshared;

    const TestUser &user(const QString &who) const
    {
        if (who == QLatin1String("owner"))
            return owner;
        if (who == QLatin1String("editor"))
            return editor;
        if (who == QLatin1String("viewer"))
            return viewer;
        return stranger;
    }
    const ProjectFixture &project(const QString &which) const { return which == QLatin1String("S") ? shared : unshared; }
};

/// What a client holds after applying the changes feed.
struct Local {
    QString since = QStringLiteral("0");
    QHash<QString, QJsonObject> projects, sessions, generations, outputs;
    QList<QJsonObject> changes; // every change applied, in order
};

} // namespace

class TestApiVisibility : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    World m_world; // read-only fixture shared by the table-driven read tests
    int m_users = 0;

    TestUser newUser(const QString &tag)
    {
        const QString email = QStringLiteral("%1-%2@visibility.example.com").arg(tag).arg(++m_users);
        return m_client->signUp(email, QStringLiteral("correct horse battery"), tag + QStringLiteral(" person"));
    }

    QString createProject(const TestUser &owner, const QString &name, bool shared)
    {
        const Reply reply = m_client->post(QStringLiteral("/api/projects"),
                                           {{QStringLiteral("name"), name}, {QStringLiteral("isShared"), shared}},
                                           owner.accessToken);
        if (reply.status != 201) {
            qWarning() << "create project failed:" << describe(reply);
            return {};
        }
        return reply.json.value(QStringLiteral("id")).toString();
    }

    QString firstSession(const TestUser &owner, const QString &projectId)
    {
        const Reply reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, owner.accessToken);
        if (reply.status != 200 || reply.data().isEmpty()) {
            qWarning() << "list sessions failed:" << describe(reply);
            return {};
        }
        return reply.data().first().toObject().value(QStringLiteral("id")).toString();
    }

    QString createSession(const TestUser &user, const QString &projectId, const QString &name, bool isPrivate)
    {
        QJsonObject body{{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), name}};
        if (isPrivate)
            body.insert(QStringLiteral("isPrivate"), true);
        const Reply reply = m_client->post(QStringLiteral("/api/sessions"), body, user.accessToken);
        if (reply.status != 201) {
            qWarning() << "create session failed:" << describe(reply);
            return {};
        }
        return reply.json.value(QStringLiteral("id")).toString();
    }

    void addMember(const TestUser &owner, const QString &projectId, const TestUser &member, const QString &role)
    {
        const Reply reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                                           {{QStringLiteral("email"), member.email}, {QStringLiteral("role"), role}},
                                           owner.accessToken);
        EXPECT_STATUS(reply, 201);
    }

    /// A project with Session 1, an open and a private session, an image in each (the private one newest).
    void buildProject(ProjectFixture &p, const World &w, const QString &name, bool shared, qint64 t0)
    {
        p.id = createProject(w.owner, name, shared);
        QVERIFY(!p.id.isEmpty());
        addMember(w.owner, p.id, w.editor, QStringLiteral("editor"));
        addMember(w.owner, p.id, w.viewer, QStringLiteral("viewer"));
        p.session1 = firstSession(w.owner, p.id);
        p.open = createSession(w.owner, p.id, QStringLiteral("Open"), false);
        p.priv = createSession(w.owner, p.id, QStringLiteral("Private"), true);
        QVERIFY(!p.session1.isEmpty() && !p.open.isEmpty() && !p.priv.isEmpty());
        auto image = m_data->addImage(p.session1, p.id, w.owner.id, t0);
        p.gen1 = image.first, p.out1 = image.second;
        image = m_data->addImage(p.open, p.id, w.owner.id, t0 + 10000000);
        p.genOpen = image.first, p.outOpen = image.second;
        image = m_data->addImage(p.priv, p.id, w.owner.id, t0 + 20000000);
        p.genPriv = image.first, p.outPriv = image.second;
        QVERIFY2(!p.out1.isEmpty() && !p.outOpen.isEmpty() && !p.outPriv.isEmpty(), qPrintable(m_data->lastError()));
    }

    void buildWorld(World &w, const QString &tag)
    {
        w.owner = newUser(tag + QStringLiteral("-owner"));
        w.editor = newUser(tag + QStringLiteral("-editor"));
        w.viewer = newUser(tag + QStringLiteral("-viewer"));
        w.stranger = newUser(tag + QStringLiteral("-stranger"));
        QVERIFY(!w.owner.id.isEmpty() && !w.editor.id.isEmpty() && !w.viewer.id.isEmpty() && !w.stranger.id.isEmpty());
        const qint64 t0 = TestData::nowMicros() - 3600LL * 1000000;
        buildProject(w.shared, w, tag + QStringLiteral(" shared"), true, t0);
        if (QTest::currentTestFailed())
            return;
        buildProject(w.unshared, w, tag + QStringLiteral(" unshared"), false, t0 + 1000000);
        if (QTest::currentTestFailed())
            return;
        QByteArray output;
        QVERIFY2(repairStats(*m_server, &output), output.constData());
    }

    /// Every page of a list; the path already carries its query (without cursor).
    void walk(const QString &path, const QString &token, QList<QJsonObject> *rows)
    {
        QString cursor;
        for (int page = 0; page < 1000; ++page) {
            const QString url = cursor.isEmpty() ? path : path + QStringLiteral("&cursor=") + enc(cursor);
            const Reply reply = m_client->get(url, token);
            EXPECT_STATUS(reply, 200);
            for (const QJsonValue &row : reply.data())
                rows->append(row.toObject());
            const bool hasMore = reply.json.value(QStringLiteral("hasMore")).toBool();
            const QJsonValue next = reply.json.value(QStringLiteral("nextCursor"));
            if (!hasMore) {
                QVERIFY2(next.isNull(), qPrintable(QStringLiteral("last page must have nextCursor null: ") + describe(reply)));
                return;
            }
            QVERIFY2(next.isString() && !next.toString().isEmpty(), qPrintable(describe(reply)));
            cursor = next.toString();
        }
        QFAIL("list did not end within 1000 pages");
    }

    QHash<QString, QJsonObject> projectList(const TestUser &user, const QString &scope)
    {
        QList<QJsonObject> rows;
        walk(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=") + scope, user.accessToken, &rows);
        QHash<QString, QJsonObject> byId;
        for (const QJsonObject &row : rows) {
            const QString id = row.value(QStringLiteral("id")).toString();
            if (byId.contains(id))
                qWarning() << "project listed twice:" << id;
            byId.insert(id, row);
        }
        return byId;
    }

    static void apply(Local &local, const QJsonObject &change)
    {
        const QString kind = change.value(QStringLiteral("kind")).toString();
        const QString op = change.value(QStringLiteral("op")).toString();
        const QString id = change.value(QStringLiteral("id")).toString();
        local.changes.append(change);
        auto table = [&](const QString &k) -> QHash<QString, QJsonObject> * {
            if (k == QLatin1String("project"))
                return &local.projects;
            if (k == QLatin1String("session"))
                return &local.sessions;
            if (k == QLatin1String("generation"))
                return &local.generations;
            if (k == QLatin1String("output"))
                return &local.outputs;
            return nullptr;
        };
        QHash<QString, QJsonObject> *rows = table(kind);
        if (!rows)
            return;
        if (op == QLatin1String("upsert")) {
            rows->insert(id, change.value(QStringLiteral("data")).toObject());
            return;
        }
        // delete, cascading the way a client's cache does
        rows->remove(id);
        QSet<QString> sessions, generations;
        if (kind == QLatin1String("project")) {
            for (auto it = local.sessions.begin(); it != local.sessions.end();) {
                if (it->value(QStringLiteral("projectId")).toString() == id) {
                    sessions.insert(it.key());
                    it = local.sessions.erase(it);
                } else {
                    ++it;
                }
            }
        } else if (kind == QLatin1String("session")) {
            sessions.insert(id);
        } else if (kind == QLatin1String("generation")) {
            generations.insert(id);
        }
        for (auto it = local.generations.begin(); it != local.generations.end();) {
            if (sessions.contains(it->value(QStringLiteral("sessionId")).toString())) {
                generations.insert(it.key());
                it = local.generations.erase(it);
            } else {
                ++it;
            }
        }
        for (auto it = local.outputs.begin(); it != local.outputs.end();) {
            if (sessions.contains(it->value(QStringLiteral("sessionId")).toString())
                || generations.contains(it->value(QStringLiteral("generationId")).toString()))
                it = local.outputs.erase(it);
            else
                ++it;
        }
    }

    /// Follows /api/changes from local.since until hasMore is false; returns the changes of this run.
    void follow(const TestUser &user, Local &local, int limit, QList<QJsonObject> *fresh = nullptr)
    {
        for (int page = 0; page < 10000; ++page) {
            const Reply reply = m_client->get(
                QStringLiteral("/api/changes?since=%1&limit=%2").arg(local.since).arg(limit), user.accessToken);
            EXPECT_STATUS(reply, 200);
            const QJsonArray changes = reply.json.value(QStringLiteral("changes")).toArray();
            QVERIFY2(changes.size() <= limit, qPrintable(describe(reply)));
            for (const QJsonValue &value : changes) {
                const QJsonObject change = value.toObject();
                const QString op = change.value(QStringLiteral("op")).toString();
                QVERIFY2(op == QLatin1String("upsert") || op == QLatin1String("delete"), qPrintable(describe(reply)));
                if (op == QLatin1String("upsert"))
                    QVERIFY2(change.value(QStringLiteral("data")).isObject(), qPrintable(describe(reply)));
                apply(local, change);
                if (fresh)
                    fresh->append(change);
            }
            const QJsonValue next = reply.json.value(QStringLiteral("nextSince"));
            QVERIFY2(next.isDouble() || next.isString(), qPrintable(describe(reply)));
            const QString nextText = next.isDouble() ? QString::number(next.toInteger()) : next.toString();
            QVERIFY2(nextText.toLongLong() >= local.since.toLongLong(),
                     qPrintable(QStringLiteral("nextSince went back from %1: ").arg(local.since) + describe(reply)));
            const bool hasMore = reply.json.value(QStringLiteral("hasMore")).toBool();
            if (hasMore)
                QVERIFY2(nextText != local.since, qPrintable(QStringLiteral("hasMore without progress: ") + describe(reply)));
            local.since = nextText;
            if (!hasMore)
                return;
        }
        QFAIL("changes feed did not end within 10000 pages");
    }

    /// The local copy holds exactly what the list endpoints show the user, and the project data matches.
    void compareWithLists(const TestUser &user, const Local &local, const QString &label, bool compareProjectData = true)
    {
        const QHash<QString, QJsonObject> projects = projectList(user, QStringLiteral("all"));
        if (QTest::currentTestFailed())
            return;
        const QSet<QString> localProjects(local.projects.keyBegin(), local.projects.keyEnd());
        const QSet<QString> listProjects(projects.keyBegin(), projects.keyEnd());
        QVERIFY2(localProjects == listProjects, qPrintable(label + QStringLiteral(": projects ") + setDiff(localProjects, listProjects)));

        QSet<QString> sessions, generations, outputs;
        for (const QString &projectId : listProjects) {
            const QJsonObject fromFeed = local.projects.value(projectId);
            const QJsonObject fromList = projects.value(projectId);
            for (const char *field : {"name", "role", "sessionCount", "thumbnailUrl", "isShared"}) {
                if (!compareProjectData)
                    break;
                const QString key = QString::fromLatin1(field);
                QVERIFY2(fromFeed.value(key) == fromList.value(key),
                         qPrintable(QStringLiteral("%1: project %2 field %3: feed %4, list %5")
                                        .arg(label, projectId, key,
                                             QString::fromUtf8(QJsonDocument(QJsonObject{{key, fromFeed.value(key)}}).toJson(QJsonDocument::Compact)),
                                             QString::fromUtf8(QJsonDocument(QJsonObject{{key, fromList.value(key)}}).toJson(QJsonDocument::Compact)))));
            }
            const Reply list = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
            EXPECT_STATUS(list, 200);
            for (const QJsonValue &session : list.data()) {
                const QString sessionId = session.toObject().value(QStringLiteral("id")).toString();
                sessions.insert(sessionId);
                QList<QJsonObject> rows;
                walk(QStringLiteral("/api/generations?limit=50&sessionId=") + sessionId, user.accessToken, &rows);
                for (const QString &id : idsOf(rows))
                    generations.insert(id);
            }
            QList<QJsonObject> images;
            walk(QStringLiteral("/api/projects/%1/images?limit=100").arg(projectId), user.accessToken, &images);
            for (const QString &id : idsOf(images))
                outputs.insert(id);
        }
        const QSet<QString> localSessions(local.sessions.keyBegin(), local.sessions.keyEnd());
        QVERIFY2(localSessions == sessions, qPrintable(label + QStringLiteral(": sessions ") + setDiff(localSessions, sessions)));
        const QSet<QString> localGenerations(local.generations.keyBegin(), local.generations.keyEnd());
        QVERIFY2(localGenerations == generations,
                 qPrintable(label + QStringLiteral(": generations ") + setDiff(localGenerations, generations)));
        const QSet<QString> localOutputs(local.outputs.keyBegin(), local.outputs.keyEnd());
        QVERIFY2(localOutputs == outputs, qPrintable(label + QStringLiteral(": outputs ") + setDiff(localOutputs, outputs)));
    }

    static bool mentions(const QList<QJsonObject> &changes, const QString &id, const QString &op = QString())
    {
        for (const QJsonObject &change : changes) {
            if (change.value(QStringLiteral("id")).toString() == id
                && (op.isEmpty() || change.value(QStringLiteral("op")).toString() == op))
                return true;
        }
        return false;
    }

    void addWhoProjectRows(const QList<std::tuple<const char *, const char *, int>> &rows)
    {
        for (const auto &[who, project, status] : rows)
            QTest::addRow("%s-%s", who, project) << QString::fromLatin1(who) << QString::fromLatin1(project) << status;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0")); // not what this suite measures
        m_server->setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_client = std::make_unique<TestClient>(m_server->baseUrl());
        m_data = std::make_unique<TestData>(m_server->dbUrl());
        QVERIFY2(m_data->isOpen(), qPrintable(m_data->lastError()));
        buildWorld(m_world, QStringLiteral("matrix"));
    }

    void cleanupTestCase()
    {
        m_data.reset();
        m_client.reset();
        m_server.reset();
    }

    // ---- project list --------------------------------------------------------------------------

    void projectList_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("scope");
        QTest::addColumn<bool>("seesShared");
        QTest::addColumn<bool>("seesUnshared");
        for (const char *scope : {"all", "mine"}) {
            const bool all = QByteArray(scope) == "all";
            QTest::addRow("owner-%s", scope) << "owner" << scope << true << true;
            QTest::addRow("editor-%s", scope) << "editor" << scope << all << false;
            QTest::addRow("viewer-%s", scope) << "viewer" << scope << all << false;
            QTest::addRow("stranger-%s", scope) << "stranger" << scope << false << false;
        }
    }

    void projectList()
    {
        QFETCH(QString, who);
        QFETCH(QString, scope);
        QFETCH(bool, seesShared);
        QFETCH(bool, seesUnshared);
        const World &w = m_world;
        const QHash<QString, QJsonObject> list = projectList(w.user(who), scope);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(list.contains(w.shared.id), seesShared);
        QCOMPARE(list.contains(w.unshared.id), seesUnshared);
        QCOMPARE(list.size(), int(seesShared) + int(seesUnshared)); // fresh users: nothing else is theirs

        const bool isOwner = who == QLatin1String("owner");
        for (const ProjectFixture *p : {&w.shared, &w.unshared}) {
            if (!list.contains(p->id))
                continue;
            const QJsonObject project = list.value(p->id);
            QCOMPARE(project.value(QStringLiteral("role")).toString(), who);
            QCOMPARE(project.value(QStringLiteral("ownerId")).toString(), w.owner.id);
            QCOMPARE(project.value(QStringLiteral("owner")).toObject().value(QStringLiteral("id")).toString(), w.owner.id);
            QCOMPARE(project.value(QStringLiteral("owner")).toObject().value(QStringLiteral("displayName")).toString(),
                     QStringLiteral("matrix-owner person"));
            QCOMPARE(project.value(QStringLiteral("isShared")).toBool(), p == &w.shared);
            // Counts and thumbnails over the sessions this caller can see.
            QCOMPARE(project.value(QStringLiteral("sessionCount")).toInt(), isOwner ? 3 : 2);
            QCOMPARE(project.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(isOwner ? p->outPriv : p->outOpen));
        }
    }

    // ---- project detail ------------------------------------------------------------------------

    void projectDetail_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<int>("status");
        addWhoProjectRows({{"owner", "S", 200}, {"owner", "U", 200}, {"editor", "S", 200}, {"editor", "U", 404},
                           {"viewer", "S", 200}, {"viewer", "U", 404}, {"stranger", "S", 404}, {"stranger", "U", 404}});
    }

    void projectDetail()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const TestUser &user = w.user(who);

        const Reply plain = m_client->get(QStringLiteral("/api/projects/") + p.id, user.accessToken);
        EXPECT_STATUS(plain, status);
        const Reply detail = m_client->get(QStringLiteral("/api/projects/%1?includeSessions=1").arg(p.id), user.accessToken);
        EXPECT_STATUS(detail, status);
        if (status == 404) {
            // Hidden answers exactly like missing.
            const Reply missing = m_client->get(QStringLiteral("/api/projects/") + TestData::newId(), user.accessToken);
            EXPECT_STATUS(missing, 404);
            QCOMPARE(plain.code(), QStringLiteral("NOT_FOUND"));
            QCOMPARE(plain.json, missing.json);
            QVERIFY2(!plain.body.contains(p.id.toUtf8()), plain.body.constData());
            return;
        }
        const bool isOwner = who == QLatin1String("owner");
        QVERIFY2(!plain.json.contains(QStringLiteral("sessions")), plain.body.constData());
        QCOMPARE(plain.json.value(QStringLiteral("id")).toString(), p.id);
        QCOMPARE(plain.json.value(QStringLiteral("role")).toString(), who);
        QCOMPARE(plain.json.value(QStringLiteral("sessionCount")).toInt(), isOwner ? 3 : 2);
        QCOMPARE(plain.json.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(isOwner ? p.outPriv : p.outOpen));

        QStringList sessions;
        for (const QJsonValue &session : detail.json.value(QStringLiteral("sessions")).toArray())
            sessions << session.toObject().value(QStringLiteral("id")).toString();
        QStringList expected{p.session1, p.open};
        if (isOwner)
            expected << p.priv;
        std::sort(sessions.begin(), sessions.end());
        std::sort(expected.begin(), expected.end());
        QCOMPARE(sessions, expected);
    }

    // ---- sessions list -------------------------------------------------------------------------

    void sessionsList_data() { projectDetail_data(); }

    void sessionsList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + p.id, m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200)
            return;
        QStringList ids;
        for (const QJsonValue &session : reply.data()) {
            ids << session.toObject().value(QStringLiteral("id")).toString();
            QCOMPARE(session.toObject().value(QStringLiteral("projectId")).toString(), p.id);
        }
        QStringList expected{p.session1, p.open}; // oldest first
        if (who == QLatin1String("owner"))
            expected << p.priv;
        QCOMPARE(ids, expected);
    }

    // ---- generations list ----------------------------------------------------------------------

    void generationsList_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("session");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, const char *, int>> rows{
            {"owner", "S", "open", 200},    {"owner", "S", "private", 200}, {"owner", "U", "open", 200},
            {"owner", "U", "private", 200}, {"editor", "S", "open", 200},   {"editor", "S", "session1", 200},
            {"editor", "S", "private", 404}, {"editor", "U", "open", 404},  {"editor", "U", "private", 404},
            {"viewer", "S", "open", 200},   {"viewer", "S", "private", 404}, {"viewer", "U", "open", 404},
            {"stranger", "S", "open", 404}, {"stranger", "S", "private", 404}, {"stranger", "U", "open", 404},
        };
        for (const auto &[who, project, session, status] : rows)
            QTest::addRow("%s-%s-%s", who, project, session) << who << project << session << status;
    }

    void generationsList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(QString, session);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const QString sessionId = session == QLatin1String("open") ? p.open : session == QLatin1String("private") ? p.priv : p.session1;
        const QString generationId = session == QLatin1String("open") ? p.genOpen : session == QLatin1String("private") ? p.genPriv : p.gen1;
        const QString outputId = session == QLatin1String("open") ? p.outOpen : session == QLatin1String("private") ? p.outPriv : p.out1;
        const Reply reply = m_client->get(QStringLiteral("/api/generations?sessionId=%1&limit=20").arg(sessionId),
                                          m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QCOMPARE(reply.code(), QStringLiteral("NOT_FOUND"));
            QVERIFY2(!reply.body.contains(generationId.toUtf8()), reply.body.constData());
            return;
        }
        QCOMPARE(reply.data().size(), 1);
        const QJsonObject generation = reply.data().first().toObject();
        QCOMPARE(generation.value(QStringLiteral("id")).toString(), generationId);
        QCOMPARE(generation.value(QStringLiteral("sessionId")).toString(), sessionId);
        QCOMPARE(generation.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        const QJsonArray outputs = generation.value(QStringLiteral("outputs")).toArray();
        QCOMPARE(outputs.size(), 1);
        QCOMPARE(outputs.first().toObject().value(QStringLiteral("id")).toString(), outputId);
        QCOMPARE(outputs.first().toObject().value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(outputId));
        QVERIFY(outputs.first().toObject().value(QStringLiteral("url")).toString().contains(outputId));
        QCOMPARE(reply.json.value(QStringLiteral("hasMore")).toBool(), false);
    }

    // ---- images list ---------------------------------------------------------------------------

    void imagesList_data() { projectDetail_data(); }

    void imagesList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const ProjectFixture &p = m_world.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/projects/%1/images?limit=40").arg(p.id), m_world.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QVERIFY2(!reply.body.contains(p.outPriv.toUtf8()), reply.body.constData());
            return;
        }
        QStringList ids;
        for (const QJsonValue &image : reply.data())
            ids << image.toObject().value(QStringLiteral("id")).toString();
        QStringList expected; // newest first
        if (who == QLatin1String("owner"))
            expected << p.outPriv;
        expected << p.outOpen << p.out1;
        QCOMPARE(ids, expected);
        const QJsonObject newest = reply.data().first().toObject();
        QCOMPARE(newest.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(expected.first()));
        QVERIFY(!newest.value(QStringLiteral("generationId")).toString().isEmpty());
        QVERIFY(!newest.value(QStringLiteral("sessionId")).toString().isEmpty());
    }

    // ---- members list --------------------------------------------------------------------------

    void membersList_data() { projectDetail_data(); }

    void membersList()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const Reply reply = m_client->get(QStringLiteral("/api/projects/%1/members").arg(p.id), w.user(who).accessToken);
        EXPECT_STATUS(reply, status);
        if (status != 200) {
            QVERIFY2(!reply.body.contains(w.editor.email.toUtf8()), reply.body.constData());
            return;
        }
        QHash<QString, QJsonObject> members;
        for (const QJsonValue &member : reply.data())
            members.insert(member.toObject().value(QStringLiteral("userId")).toString(), member.toObject());
        QVERIFY(members.contains(w.editor.id));
        QVERIFY(members.contains(w.viewer.id));
        QVERIFY(!members.contains(w.stranger.id));
        QCOMPARE(members.value(w.editor.id).value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("email")).toString(), w.viewer.email);
        QCOMPARE(members.value(w.viewer.id).value(QStringLiteral("displayName")).toString(), QStringLiteral("matrix-viewer person"));
        QVERIFY(TestData::parseTime(members.value(w.viewer.id).value(QStringLiteral("joinedAt")).toString()) > 0);
        for (auto it = members.begin(); it != members.end(); ++it) {
            if (it.key() != w.editor.id && it.key() != w.viewer.id)
                QCOMPARE(it.key(), w.owner.id); // nobody else, at most the owner
        }
    }

    // ---- project writes ------------------------------------------------------------------------

    void projectWrites_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("method");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, int>> rows{
            {"editor", "S", 403}, {"viewer", "S", 403}, {"editor", "U", 404},
            {"viewer", "U", 404}, {"stranger", "S", 404}, {"stranger", "U", 404},
        };
        for (const char *method : {"PATCH-name", "PATCH-isShared", "DELETE"}) {
            for (const auto &[who, project, status] : rows)
                QTest::addRow("%s-%s-%s", method, who, project) << who << project << method << status;
        }
        QTest::addRow("PATCH-name-owner-S") << "owner" << "S" << "PATCH-name" << 200;
        QTest::addRow("PATCH-name-owner-U") << "owner" << "U" << "PATCH-name" << 200;
    }

    void projectWrites()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(QString, method);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const QString path = QStringLiteral("/api/projects/") + p.id;
        const Reply before = m_client->get(path, w.owner.accessToken);
        EXPECT_STATUS(before, 200);

        Reply reply;
        if (method == QLatin1String("DELETE")) {
            reply = m_client->del(path, w.user(who).accessToken);
        } else if (method == QLatin1String("PATCH-isShared")) {
            reply = m_client->patch(path, {{QStringLiteral("isShared"), project != QLatin1String("S")}}, w.user(who).accessToken);
        } else {
            const QString name = before.json.value(QStringLiteral("name")).toString(); // owners rename to the same name
            reply = m_client->patch(path, {{QStringLiteral("name"), status == 200 ? name : QStringLiteral("hijacked")},
                                           {QStringLiteral("description"), QString(QStringLiteral("touched by ") + who)}},
                                    w.user(who).accessToken);
        }
        EXPECT_STATUS(reply, status);
        const Reply after = m_client->get(path, w.owner.accessToken);
        EXPECT_STATUS(after, 200);
        if (status == 200) {
            QCOMPARE(reply.json.value(QStringLiteral("id")).toString(), p.id);
            QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), QStringLiteral("touched by owner"));
            QCOMPARE(after.json.value(QStringLiteral("description")).toString(), QStringLiteral("touched by owner"));
            return;
        }
        QCOMPARE(reply.code(), status == 403 ? QStringLiteral("FORBIDDEN") : QStringLiteral("NOT_FOUND"));
        // A refused write changes nothing.
        for (const char *field : {"name", "description", "isShared"})
            QCOMPARE(after.json.value(QLatin1String(field)), before.json.value(QLatin1String(field)));
    }

    void ownerDeletesProject()
    {
        const TestUser owner = newUser(QStringLiteral("del-owner"));
        const TestUser viewer = newUser(QStringLiteral("del-viewer"));
        const QString projectId = createProject(owner, QStringLiteral("Doomed"), true);
        QVERIFY(!projectId.isEmpty());
        addMember(owner, projectId, viewer, QStringLiteral("viewer"));
        const QString sessionId = firstSession(owner, projectId);
        QVERIFY(!sessionId.isEmpty());
        const auto image = m_data->addImage(sessionId, projectId, owner.id, 0);
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        Local viewerLocal;
        follow(viewer, viewerLocal, 1000);
        QVERIFY(viewerLocal.projects.contains(projectId));

        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, owner.accessToken), 204);
        for (const TestUser *user : {&owner, &viewer}) {
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + projectId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + sessionId, user->accessToken), 404);
            EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), user->accessToken), 404);
            QVERIFY(!projectList(*user, QStringLiteral("all")).contains(projectId));
        }
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, owner.accessToken), 404);

        QList<QJsonObject> fresh;
        follow(viewer, viewerLocal, 1000, &fresh);
        QVERIFY2(mentions(fresh, projectId, QStringLiteral("delete")), "member got no delete for a deleted project");
        compareWithLists(viewer, viewerLocal, QStringLiteral("viewer after delete"));
        Local ownerLocal;
        follow(owner, ownerLocal, 1000);
        compareWithLists(owner, ownerLocal, QStringLiteral("owner after delete"));
    }

    // ---- member writes -------------------------------------------------------------------------

    void memberWrites()
    {
        World w;
        buildWorld(w, QStringLiteral("mw"));
        if (QTest::currentTestFailed())
            return;
        const TestUser extra = newUser(QStringLiteral("mw-extra"));
        auto membersPath = [](const QString &projectId) { return QStringLiteral("/api/projects/%1/members").arg(projectId); };
        const QJsonObject addExtra{{QStringLiteral("email"), extra.email}, {QStringLiteral("role"), QStringLiteral("viewer")}};

        // Only the owner adds members; hidden projects are 404.
        Reply reply = m_client->post(membersPath(w.shared.id), addExtra, w.editor.accessToken);
        EXPECT_STATUS(reply, 403);
        EXPECT_STATUS(m_client->post(membersPath(w.shared.id), addExtra, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->post(membersPath(w.unshared.id), addExtra, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->post(membersPath(w.unshared.id), addExtra, w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->post(membersPath(w.shared.id), addExtra, w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken), 404);

        reply = m_client->post(membersPath(w.shared.id),
                               {{QStringLiteral("email"), QStringLiteral("nobody-%1@visibility.example.com").arg(m_users)},
                                {QStringLiteral("role"), QStringLiteral("viewer")}},
                               w.owner.accessToken);
        EXPECT_STATUS(reply, 404);

        reply = m_client->post(membersPath(w.shared.id), addExtra, w.owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.value(QStringLiteral("userId")).toString(), extra.id);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        QCOMPARE(reply.json.value(QStringLiteral("email")).toString(), extra.email);
        reply = m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));

        // Adding again updates the role (by email, then by id).
        reply = m_client->post(membersPath(w.shared.id),
                               {{QStringLiteral("email"), extra.email}, {QStringLiteral("role"), QStringLiteral("editor")}},
                               w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        reply = m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("editor"));
        reply = m_client->post(membersPath(w.shared.id),
                               {{QStringLiteral("userId"), extra.id}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                               w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("role")).toString(), QStringLiteral("viewer"));
        EXPECT_STATUS(m_client->post(QStringLiteral("/api/sessions"),
                                     {{QStringLiteral("projectId"), w.shared.id}, {QStringLiteral("name"), QStringLiteral("x")}},
                                     extra.accessToken),
                      403); // the downgrade took effect

        // Removal: owner anyone, a member only themself.
        auto memberPath = [](const QString &projectId, const QString &userId) {
            return QStringLiteral("/api/projects/%1/members/%2").arg(projectId, userId);
        };
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.editor.id), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.unshared.id, w.viewer.id), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.stranger.id), w.owner.accessToken), 404); // not a member
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, extra.id), w.owner.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, extra.accessToken), 404);
        EXPECT_STATUS(m_client->del(memberPath(w.shared.id, w.viewer.id), w.viewer.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(membersPath(w.shared.id), w.viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + w.shared.id, w.editor.accessToken), 200);

        reply = m_client->get(membersPath(w.shared.id), w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QSet<QString> remaining;
        for (const QJsonValue &member : reply.data())
            remaining.insert(member.toObject().value(QStringLiteral("userId")).toString());
        remaining.remove(w.owner.id);
        QCOMPARE(remaining, QSet<QString>{w.editor.id});
    }

    // ---- session writes ------------------------------------------------------------------------

    void sessionCreate_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("project");
        QTest::addColumn<bool>("isPrivate");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, const char *, bool, int>> rows{
            {"owner", "S", false, 201},    {"owner", "S", true, 201},     {"owner", "U", false, 201},
            {"editor", "S", false, 201},   {"editor", "S", true, 403},    {"editor", "U", false, 404},
            {"viewer", "S", false, 403},   {"viewer", "S", true, 403},    {"viewer", "U", false, 404},
            {"stranger", "S", false, 404}, {"stranger", "U", false, 404},
        };
        for (const auto &[who, project, isPrivate, status] : rows)
            QTest::addRow("%s-%s-%s", who, project, isPrivate ? "private" : "open") << who << project << isPrivate << status;
    }

    void sessionCreate()
    {
        QFETCH(QString, who);
        QFETCH(QString, project);
        QFETCH(bool, isPrivate);
        QFETCH(int, status);
        const World &w = m_world;
        const ProjectFixture &p = w.project(project);
        const QString name = QStringLiteral("made by %1 %2").arg(who).arg(QTest::currentDataTag());
        QJsonObject body{{QStringLiteral("projectId"), p.id}, {QStringLiteral("name"), name}};
        if (isPrivate)
            body.insert(QStringLiteral("isPrivate"), true);
        const Reply reply = m_client->post(QStringLiteral("/api/sessions"), body, w.user(who).accessToken);
        EXPECT_STATUS(reply, status);

        const Reply sessions = m_client->get(QStringLiteral("/api/sessions?projectId=") + p.id, w.owner.accessToken);
        EXPECT_STATUS(sessions, 200);
        QStringList names;
        for (const QJsonValue &session : sessions.data())
            names << session.toObject().value(QStringLiteral("name")).toString();
        QCOMPARE(names.contains(name), status == 201);
        if (status != 201)
            return;
        const QString id = reply.json.value(QStringLiteral("id")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("projectId")).toString(), p.id);
        QCOMPARE(reply.json.value(QStringLiteral("creatorId")).toString(), w.user(who).id);
        QCOMPARE(reply.json.value(QStringLiteral("isPrivate")).toBool(), isPrivate);
        QCOMPARE(reply.json.value(QStringLiteral("type")).toString(), QStringLiteral("image"));
        // Clean up so the shared fixture keeps its counts.
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + id, w.owner.accessToken), 204);
    }

    void sessionUpdateAndDelete()
    {
        World w;
        buildWorld(w, QStringLiteral("sw"));
        if (QTest::currentTestFailed())
            return;
        const ProjectFixture &s = w.shared;
        const QString editorSession = createSession(w.editor, s.id, QStringLiteral("Editor's"), false);
        QVERIFY(!editorSession.isEmpty());
        auto path = [](const QString &id) -> QString { return QStringLiteral("/api/sessions/") + id; };
        const QJsonObject rename{{QStringLiteral("name"), QStringLiteral("Renamed")}};
        const QJsonObject makePrivate{{QStringLiteral("isPrivate"), true}};

        // Renames: the owner, or the editor who created the session.
        Reply reply = m_client->patch(path(editorSession), rename, w.editor.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), QStringLiteral("Renamed"));
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(editorSession), rename, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), rename, w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(w.unshared.open), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(s.priv), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->patch(path(s.priv), rename, w.viewer.accessToken), 404);
        reply = m_client->patch(path(s.open), {{QStringLiteral("name"), QStringLiteral("Owner renamed")}}, w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), QStringLiteral("Owner renamed"));

        // isPrivate: the owner only, even on the editor's own session.
        EXPECT_STATUS(m_client->patch(path(editorSession), makePrivate, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.open), makePrivate, w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->patch(path(s.priv), {{QStringLiteral("isPrivate"), false}}, w.editor.accessToken), 404);
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + s.id, w.editor.accessToken);
        QCOMPARE(reply.data().size(), 3); // Session 1, Open, Editor's: still nothing private leaked or changed
        reply = m_client->patch(path(editorSession), makePrivate, w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("isPrivate")).toBool(), true);
        // Now private: the editor who created it sees it no more.
        EXPECT_STATUS(m_client->patch(path(editorSession), rename, w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(editorSession), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + editorSession, w.editor.accessToken), 404);

        // Deletes: the owner, or the editor who created it.
        const QString second = createSession(w.editor, s.id, QStringLiteral("Editor's second"), false);
        QVERIFY(!second.isEmpty());
        EXPECT_STATUS(m_client->del(path(second), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(second), w.stranger.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(s.open), w.editor.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(s.open), w.viewer.accessToken), 403);
        EXPECT_STATUS(m_client->del(path(s.priv), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(w.unshared.open), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(second), w.editor.accessToken), 204);
        EXPECT_STATUS(m_client->del(path(second), w.editor.accessToken), 404);
        EXPECT_STATUS(m_client->del(path(s.open), w.owner.accessToken), 204);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + s.open, w.owner.accessToken), 404);
        reply = m_client->get(QStringLiteral("/api/projects/%1/images").arg(s.id), w.owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QVERIFY2(!reply.body.contains(s.outOpen.toUtf8()), "images of a deleted session are still listed");
        reply = m_client->get(QStringLiteral("/api/projects/") + s.id, w.owner.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("sessionCount")).toInt(), 3); // Session 1, Private, Editor's (private)
        reply = m_client->get(QStringLiteral("/api/projects/") + s.id, w.viewer.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("sessionCount")).toInt(), 1); // Session 1
        QCOMPARE(reply.json.value(QStringLiteral("thumbnailUrl")).toString(), thumbUrl(s.out1));
    }

    // ---- counts and thumbnails follow privacy and sharing ---------------------------------------

    void countsAndThumbnailsFollowPrivacy()
    {
        const TestUser owner = newUser(QStringLiteral("ct-owner"));
        const TestUser viewer = newUser(QStringLiteral("ct-viewer"));
        const QString projectId = createProject(owner, QStringLiteral("Only private images"), true);
        QVERIFY(!projectId.isEmpty());
        addMember(owner, projectId, viewer, QStringLiteral("viewer"));
        const QString priv = createSession(owner, projectId, QStringLiteral("Secret"), true);
        QVERIFY(!priv.isEmpty());
        const auto image = m_data->addImage(priv, projectId, owner.id, 0);
        QVERIFY2(!image.second.isEmpty(), qPrintable(m_data->lastError()));
        QByteArray output;
        QVERIFY2(repairStats(*m_server, &output), output.constData());

        auto check = [&](const TestUser &user, int count, const QJsonValue &thumb, const char *when) {
            const QHash<QString, QJsonObject> list = projectList(user, QStringLiteral("all"));
            const QJsonObject fromList = list.value(projectId);
            const Reply detail = m_client->get(QStringLiteral("/api/projects/") + projectId, user.accessToken);
            for (const QJsonObject &project : {fromList, detail.json}) {
                QVERIFY2(project.value(QStringLiteral("sessionCount")).toInt() == count,
                         qPrintable(QStringLiteral("%1: sessionCount %2, expected %3").arg(QLatin1String(when)).arg(project.value(QStringLiteral("sessionCount")).toInt()).arg(count)));
                QVERIFY2(project.value(QStringLiteral("thumbnailUrl")) == thumb,
                         qPrintable(QStringLiteral("%1: thumbnailUrl %2").arg(QLatin1String(when), project.value(QStringLiteral("thumbnailUrl")).toString())));
                QVERIFY(project.contains(QStringLiteral("thumbnailUrl")));
            }
        };
        check(owner, 2, thumbUrl(image.second), "owner, private");
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, private");
        const Reply images = m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), viewer.accessToken);
        EXPECT_STATUS(images, 200);
        QCOMPARE(images.data().size(), 0);

        // Made public: the stats follow in the same write.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + priv, {{QStringLiteral("isPrivate"), false}}, owner.accessToken), 200);
        check(viewer, 2, thumbUrl(image.second), "viewer, made public");
        check(owner, 2, thumbUrl(image.second), "owner, made public");
        // Private again.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + priv, {{QStringLiteral("isPrivate"), true}}, owner.accessToken), 200);
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, private again");
        // A new public session counts at once; deleting it uncounts it.
        const QString extra = createSession(owner, projectId, QStringLiteral("Public"), false);
        check(viewer, 2, QJsonValue(QJsonValue::Null), "viewer, new public session");
        check(owner, 3, thumbUrl(image.second), "owner, new public session");
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/sessions/") + extra, owner.accessToken), 204);
        check(viewer, 1, QJsonValue(QJsonValue::Null), "viewer, public session deleted");
        // Sharing off hides the project from the member altogether.
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/projects/") + projectId, {{QStringLiteral("isShared"), false}}, owner.accessToken), 200);
        QVERIFY(!projectList(viewer, QStringLiteral("all")).contains(projectId));
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/") + projectId, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/projects/%1/images").arg(projectId), viewer.accessToken), 404);
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, viewer.accessToken), 404);
        const QString session1 = firstSession(owner, projectId);
        QVERIFY(!session1.isEmpty());
        EXPECT_STATUS(m_client->get(QStringLiteral("/api/generations?sessionId=") + session1, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->patch(QStringLiteral("/api/sessions/") + session1, {{QStringLiteral("name"), QStringLiteral("x")}}, viewer.accessToken), 404);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/%1/members/%2").arg(projectId, viewer.id), viewer.accessToken), 404);
        QVERIFY(projectList(owner, QStringLiteral("all")).contains(projectId));
        QByteArray drift;
        QVERIFY2(repairStats(*m_server, &drift), drift.constData());
    }

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
};

QTEST_GUILESS_MAIN(TestApiVisibility)
#include "tst_api_visibility.moc"
