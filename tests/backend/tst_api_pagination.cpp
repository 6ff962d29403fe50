// Keyset pagination: walking every page of the project list (owner and member, scope mine and all),
// the generations list and the images list returns each row exactly once and in order, although many
// rows share the exact same timestamp; limits at their bounds; malformed cursors are a 400.
#include "apifixtures.h"
#include "jsonrows.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"
#include "urlencode.h"

#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

using namespace vesper::test;

namespace {

/// A row's sort key: time descending, then id descending.
struct Keyed {
    qint64 time;
    QString id;
};

QStringList sortedIds(QList<Keyed> rows)
{
    std::sort(rows.begin(), rows.end(), [](const Keyed &a, const Keyed &b) {
        return a.time != b.time ? a.time > b.time : a.id > b.id;
    });
    QStringList ids;
    for (const Keyed &row : rows)
        ids << row.id;
    return ids;
}

QString firstDifference(const QStringList &actual, const QStringList &expected)
{
    const qsizetype n = std::min(actual.size(), expected.size());
    for (qsizetype i = 0; i < n; ++i) {
        if (actual[i] != expected[i])
            return QStringLiteral("first difference at %1: got %2, expected %3").arg(i).arg(actual[i], expected[i]);
    }
    return QStringLiteral("got %1 rows, expected %2").arg(actual.size()).arg(expected.size());
}

constexpr qint64 kT1 = 1795000000123456; // shared timestamps, full microsecond precision
constexpr qint64 kT2 = 1794999999000001;
constexpr qint64 kT3 = 1794000000999999;

} // namespace

class TestApiPagination : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    int m_users = 0;

    // Projects: alice owns 40 (25 shared), bob owns 25 (some shared with alice, some not), carol
    // owns 10 that nobody else sees, and mallory owns none but is a member of 30 of alice's.
    TestUser m_alice, m_bob, m_carol, m_mallory;
    QHash<QString, qint64> m_projectTime;
    QStringList m_aliceOwned, m_bobOwned, m_bobSharedWithAlice, m_aliceSharedWithMallory;

    // Generations: 120 in one session, groups of 30 on one created_at.
    TestUser m_genOwner, m_genViewer;
    QString m_genProject, m_genSession, m_otherSession;
    QList<Keyed> m_generations;
    QHash<QString, QSet<QString>> m_generationOutputs;

    // Images: three sessions (two open, one private) of 50 images each; groups of 25 per session share a time.
    QString m_imageProject;
    QList<Keyed> m_imagesAll, m_imagesShared;

    TestUser newUser(const QString &tag)
    {
        return m_client->signUp(QStringLiteral("%1-%2@pagination.example.com").arg(tag).arg(++m_users));
    }

    QString createProject(const TestUser &owner, const QString &name, bool shared)
    {
        return vesper::test::createProject(*m_client, owner, name, shared);
    }

    bool addMember(const TestUser &owner, const QString &projectId, const TestUser &member)
    {
        const Reply reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                                           {{QStringLiteral("userId"), member.id}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                                           owner.accessToken);
        if (reply.status != 201) {
            qWarning() << "invite member failed:" << describe(reply);
            return false;
        }
        const Reply accepted = acceptInvitation(*m_client, member, reply.json.value(QStringLiteral("id")).toString());
        if (accepted.status != 200)
            qWarning() << "accept failed:" << describe(accepted);
        return accepted.status == 200;
    }

    QString createSession(const TestUser &owner, const QString &projectId, const QString &name, bool isPrivate)
    {
        const Reply reply = m_client->post(QStringLiteral("/api/sessions"),
                                           {{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), name},
                                            {QStringLiteral("isPrivate"), isPrivate}},
                                           owner.accessToken);
        if (reply.status != 201)
            qWarning() << "create session failed:" << describe(reply);
        return reply.json.value(QStringLiteral("id")).toString();
    }

    /// Walks every page with the given limit, checking page sizes and the hasMore/nextCursor pair.
    void walk(const QString &path, const QString &token, int limit, QList<QJsonObject> *rows)
    {
        QString cursor;
        for (int page = 0; page < 2000; ++page) {
            const QString url = QStringLiteral("%1%2limit=%3%4")
                                    .arg(path, path.contains(QLatin1Char('?')) ? QStringLiteral("&") : QStringLiteral("?"))
                                    .arg(limit)
                                    .arg(cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + enc(cursor));
            const Reply reply = m_client->get(url, token);
            EXPECT_STATUS(reply, 200);
            const QJsonArray data = reply.data();
            const bool hasMore = reply.json.value(QStringLiteral("hasMore")).toBool();
            const QJsonValue next = reply.json.value(QStringLiteral("nextCursor"));
            QVERIFY2(reply.json.value(QStringLiteral("hasMore")).isBool(), qPrintable(describe(reply)));
            for (const QJsonValue &row : data)
                rows->append(row.toObject());
            if (!hasMore) {
                QVERIFY2(next.isNull(), qPrintable(QStringLiteral("last page must have nextCursor null: ") + describe(reply)));
                QVERIFY2(data.size() <= limit, qPrintable(describe(reply)));
                QVERIFY2(!data.isEmpty() || page == 0,
                         qPrintable(QStringLiteral("hasMore was true on page %1 but page %2 is empty").arg(page - 1).arg(page)));
                return;
            }
            QVERIFY2(data.size() == limit,
                     qPrintable(QStringLiteral("page %1 has %2 rows with hasMore true, limit %3").arg(page).arg(data.size()).arg(limit)));
            QVERIFY2(next.isString() && !next.toString().isEmpty(), qPrintable(describe(reply)));
            QVERIFY2(next.toString() != cursor, "nextCursor did not move");
            cursor = next.toString();
        }
        QFAIL("list did not end within 2000 pages");
    }

    static void verifyWalk(const QStringList &actual, const QStringList &expected)
    {
        const QSet<QString> unique(actual.begin(), actual.end());
        QVERIFY2(unique.size() == actual.size(), qPrintable(QStringLiteral("%1 rows repeated").arg(actual.size() - unique.size())));
        QVERIFY2(actual == expected, qPrintable(firstDifference(actual, expected)));
    }

    void buildProjects()
    {
        m_alice = newUser(QStringLiteral("alice"));
        m_bob = newUser(QStringLiteral("bob"));
        m_carol = newUser(QStringLiteral("carol"));
        m_mallory = newUser(QStringLiteral("mallory"));
        QVERIFY(!m_alice.id.isEmpty() && !m_bob.id.isEmpty() && !m_carol.id.isEmpty() && !m_mallory.id.isEmpty());
        for (int i = 0; i < 40; ++i) {
            const QString id = createProject(m_alice, QStringLiteral("alice %1").arg(i), i < 25);
            QVERIFY(!id.isEmpty());
            m_aliceOwned << id;
            if (i < 30) {
                QVERIFY(addMember(m_alice, id, m_mallory));
                if (i < 25)
                    m_aliceSharedWithMallory << id;
            }
        }
        for (int i = 0; i < 25; ++i) {
            const bool shared = i < 15 || i >= 20;
            const QString id = createProject(m_bob, QStringLiteral("bob %1").arg(i), shared);
            QVERIFY(!id.isEmpty());
            m_bobOwned << id;
            QVERIFY(addMember(m_bob, id, m_alice));
            if (shared)
                m_bobSharedWithAlice << id;
        }
        QStringList carol;
        for (int i = 0; i < 10; ++i) {
            carol << createProject(m_carol, QStringLiteral("carol %1").arg(i), true);
            QVERIFY(!carol.last().isEmpty());
        }
        // Identical updated_at across owners and across the owned/member halves of the union.
        auto assign = [&](const QStringList &ids, qint64 time) {
            QVERIFY2(m_data->setProjectsUpdatedAt(ids, time), qPrintable(m_data->lastError()));
            for (const QString &id : ids)
                m_projectTime.insert(id, time);
        };
        assign(m_aliceOwned.mid(0, 15) + m_bobOwned.mid(0, 10) + carol, kT1);
        assign(m_aliceOwned.mid(15, 15) + m_bobOwned.mid(10, 10), kT2);
        assign(m_aliceOwned.mid(30, 5) + m_bobOwned.mid(20, 5), kT3);
        for (int i = 35; i < 40; ++i)
            assign({m_aliceOwned[i]}, kT3 - 7 * (i - 34)); // a few distinct, older times
    }

    void buildGenerations()
    {
        m_genOwner = newUser(QStringLiteral("gen-owner"));
        m_genViewer = newUser(QStringLiteral("gen-viewer"));
        QVERIFY(!m_genOwner.id.isEmpty() && !m_genViewer.id.isEmpty());
        m_genProject = createProject(m_genOwner, QStringLiteral("Many generations"), true);
        QVERIFY(!m_genProject.isEmpty());
        QVERIFY(addMember(m_genOwner, m_genProject, m_genViewer));
        m_genSession = createSession(m_genOwner, m_genProject, QStringLiteral("Busy"), false);
        m_otherSession = createSession(m_genOwner, m_genProject, QStringLiteral("Neighbour"), false);
        QVERIFY(!m_genSession.isEmpty() && !m_otherSession.isEmpty());

        const qint64 times[] = {kT1, kT2, kT2 - 1, kT3};
        QList<GenerationRow> generations;
        for (int i = 0; i < 120; ++i) {
            GenerationRow row;
            row.sessionId = m_genSession;
            row.projectId = m_genProject;
            row.userId = m_genOwner.id;
            row.createdAt = times[i / 30];
            row.prompt = QStringLiteral("generation %1").arg(i);
            row.status = i % 15 == 0 ? QStringLiteral("failed") : QStringLiteral("completed");
            generations << row;
        }
        for (int i = 0; i < 20; ++i) { // same times, another session: must never show up
            GenerationRow row;
            row.sessionId = m_otherSession;
            row.projectId = m_genProject;
            row.userId = m_genOwner.id;
            row.createdAt = times[i % 4];
            generations << row;
        }
        for (GenerationRow &row : generations)
            row.id = TestData::newId(row.createdAt);
        QList<OutputRow> outputs;
        for (int i = 0; i < 120; ++i) {
            const GenerationRow &g = generations[i];
            if (g.status != QLatin1String("completed"))
                continue;
            for (int k = 0; k < (i % 10 == 1 ? 2 : 1); ++k) {
                OutputRow out;
                out.generationId = g.id;
                out.sessionId = g.sessionId;
                out.projectId = g.projectId;
                out.createdAt = g.createdAt + 5;
                out.id = TestData::newId(out.createdAt);
                outputs << out;
                m_generationOutputs[g.id].insert(out.id);
            }
        }
        QVERIFY2(m_data->insert(generations, outputs), qPrintable(m_data->lastError()));
        for (int i = 0; i < 120; ++i)
            m_generations << Keyed{generations[i].createdAt, generations[i].id};
    }

    void buildImages()
    {
        m_imageProject = createProject(m_genOwner, QStringLiteral("Many images"), true);
        QVERIFY(!m_imageProject.isEmpty());
        QVERIFY(addMember(m_genOwner, m_imageProject, m_genViewer));
        const QStringList sessions{createSession(m_genOwner, m_imageProject, QStringLiteral("Open A"), false),
                                   createSession(m_genOwner, m_imageProject, QStringLiteral("Open B"), false),
                                   createSession(m_genOwner, m_imageProject, QStringLiteral("Hidden"), true)};
        for (const QString &id : sessions)
            QVERIFY(!id.isEmpty());
        const qint64 times[] = {kT2, kT3};
        QList<GenerationRow> generations;
        QList<OutputRow> outputs;
        for (int s = 0; s < 3; ++s) {
            for (int i = 0; i < 10; ++i) { // 10 generations of 5 images each per session
                GenerationRow g;
                g.sessionId = sessions[s];
                g.projectId = m_imageProject;
                g.userId = m_genOwner.id;
                g.createdAt = times[i / 5] - 1000;
                g.id = TestData::newId(g.createdAt);
                generations << g;
                for (int k = 0; k < 5; ++k) {
                    OutputRow out;
                    out.generationId = g.id;
                    out.sessionId = g.sessionId;
                    out.projectId = g.projectId;
                    out.createdAt = times[i / 5]; // 25 per session, 75 per project, on one time
                    out.id = TestData::newId(out.createdAt);
                    outputs << out;
                    m_imagesAll << Keyed{out.createdAt, out.id};
                    if (s < 2)
                        m_imagesShared << Keyed{out.createdAt, out.id};
                }
                if (i == 0) { // a video on the same time: not an image, never listed
                    OutputRow video;
                    video.generationId = g.id;
                    video.sessionId = g.sessionId;
                    video.projectId = g.projectId;
                    video.fileType = QStringLiteral("video");
                    video.createdAt = times[0];
                    outputs << video;
                }
            }
        }
        QVERIFY2(m_data->insert(generations, outputs), qPrintable(m_data->lastError()));
        QByteArray output;
        QVERIFY2(repairStats(*m_server, &output), output.constData());
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
        buildProjects();
        if (QTest::currentTestFailed())
            return;
        buildGenerations();
        if (QTest::currentTestFailed())
            return;
        buildImages();
    }

    void cleanupTestCase()
    {
        m_data.reset();
        m_client.reset();
        m_server.reset();
    }

    void projectListWalk_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<QString>("scope");
        QTest::addColumn<int>("limit");
        for (const char *who : {"alice", "bob", "mallory", "carol-unrelated"}) {
            for (const char *scope : {"all", "mine"}) {
                for (int limit : {1, 5, 7, 20, 50})
                    QTest::addRow("%s-%s-%d", who, scope, limit) << who << scope << limit;
            }
        }
    }

    void projectListWalk()
    {
        QFETCH(QString, who);
        QFETCH(QString, scope);
        QFETCH(int, limit);
        const bool all = scope == QLatin1String("all");
        const TestUser *user = &m_alice;
        QStringList visible;
        if (who == QLatin1String("alice")) {
            visible = m_aliceOwned + (all ? m_bobSharedWithAlice : QStringList());
        } else if (who == QLatin1String("bob")) {
            user = &m_bob;
            visible = m_bobOwned;
        } else if (who == QLatin1String("mallory")) {
            user = &m_mallory;
            visible = all ? m_aliceSharedWithMallory : QStringList();
        } else {
            user = &m_carol;
            for (auto it = m_projectTime.begin(); it != m_projectTime.end(); ++it) {
                if (!m_aliceOwned.contains(it.key()) && !m_bobOwned.contains(it.key()))
                    visible << it.key();
            }
        }
        QList<Keyed> keyed;
        for (const QString &id : visible)
            keyed << Keyed{m_projectTime.value(id), id};
        const QStringList expected = sortedIds(keyed);

        QList<QJsonObject> rows;
        walk(QStringLiteral("/api/projects/with-thumbnails?scope=") + scope, user->accessToken, limit, &rows);
        if (QTest::currentTestFailed())
            return;
        verifyWalk(idsOf(rows), expected);
        for (const QJsonObject &row : rows) {
            const QString id = row.value(QStringLiteral("id")).toString();
            const QString updatedAt = row.value(QStringLiteral("updatedAt")).toString();
            QVERIFY2(TestData::parseTime(updatedAt) == m_projectTime.value(id),
                     qPrintable(QStringLiteral("%1 updatedAt %2, expected %3").arg(id, updatedAt, TestData::formatTime(m_projectTime.value(id)))));
            QVERIFY2(updatedAt.contains(QRegularExpression(QStringLiteral("\\.\\d{6}(Z|[+-]\\d\\d:?\\d\\d)$"))),
                     qPrintable(QStringLiteral("updatedAt without microseconds: ") + updatedAt));
            const QString role = row.value(QStringLiteral("role")).toString();
            QCOMPARE(role, row.value(QStringLiteral("ownerId")).toString() == user->id ? QStringLiteral("owner") : QStringLiteral("viewer"));
        }
    }

    void projectListDefaultsAndEmptyCursor()
    {
        Reply reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails"), m_alice.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 20); // default limit
        QCOMPARE(reply.json.value(QStringLiteral("hasMore")).toBool(), true);
        const QJsonArray firstPage = reply.data();
        reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=20&cursor=&scope=all"), m_alice.accessToken);
        EXPECT_STATUS(reply, 200); // an empty cursor is the first page
        QCOMPARE(reply.data(), firstPage);
        reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=20&scope=mine"), m_mallory.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 0);
        QCOMPARE(reply.json.value(QStringLiteral("hasMore")).toBool(), false);
        QVERIFY(reply.json.value(QStringLiteral("nextCursor")).isNull());
    }

    void generationsWalk_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("limit");
        for (int limit : {1, 7, 20, 30, 50}) {
            QTest::addRow("owner-%d", limit) << "owner" << limit;
            QTest::addRow("viewer-%d", limit) << "viewer" << limit;
        }
    }

    void generationsWalk()
    {
        QFETCH(QString, who);
        QFETCH(int, limit);
        const TestUser &user = who == QLatin1String("owner") ? m_genOwner : m_genViewer;
        QList<QJsonObject> rows;
        walk(QStringLiteral("/api/generations?sessionId=") + m_genSession, user.accessToken, limit, &rows);
        if (QTest::currentTestFailed())
            return;
        verifyWalk(idsOf(rows), sortedIds(m_generations));
        for (const QJsonObject &row : rows) {
            const QString id = row.value(QStringLiteral("id")).toString();
            QCOMPARE(row.value(QStringLiteral("sessionId")).toString(), m_genSession);
            QSet<QString> outputs;
            for (const QJsonValue &output : row.value(QStringLiteral("outputs")).toArray())
                outputs.insert(output.toObject().value(QStringLiteral("id")).toString());
            QVERIFY2(outputs == m_generationOutputs.value(id), qPrintable(QStringLiteral("outputs of %1").arg(id)));
            if (row.value(QStringLiteral("status")).toString() == QLatin1String("completed"))
                QVERIFY(row.value(QStringLiteral("error")).isNull());
        }
    }

    void imagesWalk_data()
    {
        QTest::addColumn<QString>("who");
        QTest::addColumn<int>("limit");
        for (int limit : {1, 13, 25, 40, 100}) {
            QTest::addRow("owner-%d", limit) << "owner" << limit;
            QTest::addRow("viewer-%d", limit) << "viewer" << limit;
        }
    }

    void imagesWalk()
    {
        QFETCH(QString, who);
        QFETCH(int, limit);
        const bool owner = who == QLatin1String("owner");
        QList<QJsonObject> rows;
        walk(QStringLiteral("/api/projects/%1/images").arg(m_imageProject), owner ? m_genOwner.accessToken : m_genViewer.accessToken,
             limit, &rows);
        if (QTest::currentTestFailed())
            return;
        verifyWalk(idsOf(rows), sortedIds(owner ? m_imagesAll : m_imagesShared));
        for (const QJsonObject &row : rows)
            QCOMPARE(row.value(QStringLiteral("thumbnailUrl")).toString(),
                     QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(row.value(QStringLiteral("id")).toString()));
    }

    void limits_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("limit");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("rows");
        const QList<std::tuple<const char *, int>> bounds{{"projects", 50}, {"generations", 50}, {"images", 100}};
        for (const auto &[list, max] : bounds) {
            QTest::addRow("%s-0", list) << list << "0" << 400 << 0;
            QTest::addRow("%s-1", list) << list << "1" << 200 << 1;
            QTest::addRow("%s-max", list) << list << QString::number(max) << 200 << max;
            QTest::addRow("%s-max+1", list) << list << QString::number(max + 1) << 400 << 0;
            QTest::addRow("%s-negative", list) << list << "-1" << 400 << 0;
            QTest::addRow("%s-word", list) << list << "ten" << 400 << 0;
            QTest::addRow("%s-fraction", list) << list << "1.5" << 400 << 0;
            QTest::addRow("%s-huge", list) << list << "99999999999999999999" << 400 << 0;
            QTest::addRow("%s-sql", list) << list << "1; DROP TABLE projects" << 400 << 0;
        }
    }

    void limits()
    {
        QFETCH(QString, list);
        QFETCH(QString, limit);
        QFETCH(int, status);
        QFETCH(int, rows);
        QString path;
        QString token = m_genOwner.accessToken;
        if (list == QLatin1String("projects")) {
            path = QStringLiteral("/api/projects/with-thumbnails?scope=all&limit=");
            token = m_alice.accessToken; // 60 visible projects
        } else if (list == QLatin1String("generations")) {
            path = QStringLiteral("/api/generations?sessionId=%1&limit=").arg(m_genSession);
        } else {
            path = QStringLiteral("/api/projects/%1/images?limit=").arg(m_imageProject);
        }
        const Reply reply = m_client->get(path + enc(limit), token);
        EXPECT_STATUS(reply, status);
        if (status == 400) {
            QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
            return;
        }
        QCOMPARE(reply.data().size(), rows);
        QCOMPARE(reply.json.value(QStringLiteral("hasMore")).toBool(), true);
    }

    void defaultLimits()
    {
        Reply reply = m_client->get(QStringLiteral("/api/generations?sessionId=") + m_genSession, m_genOwner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 20);
        reply = m_client->get(QStringLiteral("/api/projects/%1/images").arg(m_imageProject), m_genOwner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 40);
    }

    void malformedCursor_data()
    {
        QTest::addColumn<QString>("list");
        QTest::addColumn<QString>("cursor");
        const QString uuid = QStringLiteral("01a20176-b2e5-7000-8f7b-dfa2482e21f3");
        auto b64 = [](const QByteArray &raw) {
            return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        };
        const QList<std::tuple<const char *, QString>> cursors{
            {"garbage", QStringLiteral("!!!***")},
            {"base64-junk", b64("ABCDEFG\x01\x02\xff")},
            {"base64-json", b64("{\"t\":1,\"id\":\"x\"}")},
            {"sql", QStringLiteral("' OR 1=1 --")},
            {"sql-drop", QStringLiteral("1'); DROP TABLE projects; --")},
            {"sql-in-envelope", b64("v1:1:' OR '1'='1")},
            {"sql-in-time", b64("v1:1 OR 1=1:" + uuid.toLatin1())},
            {"wrong-version", b64("v9:1795000000123456:" + uuid.toLatin1())},
            {"negative-time", b64("v1:-5:" + uuid.toLatin1())},
            {"time-overflow", b64("v1:99999999999999999999999:" + uuid.toLatin1())},
            {"missing-id", b64("v1:1795000000123456:")},
            {"path-in-id", b64("v1:1795000000123456:../../etc/passwd")},
            {"extra-part", b64("v1:1795000000123456:" + uuid.toLatin1() + ":x")},
            {"huge", QString(5000, QLatin1Char('A'))},
            {"unicode", QStringLiteral("\u00e4\u00f6\u00fc\u2603")},
            {"percent", QStringLiteral("%00%ff")},
        };
        for (const char *list : {"projects", "generations", "images"}) {
            for (const auto &[name, cursor] : cursors)
                QTest::addRow("%s-%s", list, name) << list << cursor;
            QTest::addRow("%s-truncated", list) << list << QStringLiteral("truncated");
            QTest::addRow("%s-flipped", list) << list << QStringLiteral("flipped");
        }
    }

    void malformedCursor()
    {
        QFETCH(QString, list);
        QFETCH(QString, cursor);
        QString path;
        QString token = m_genOwner.accessToken;
        if (list == QLatin1String("projects")) {
            path = QStringLiteral("/api/projects/with-thumbnails?scope=all&limit=5");
            token = m_alice.accessToken;
        } else if (list == QLatin1String("generations")) {
            path = QStringLiteral("/api/generations?limit=5&sessionId=") + m_genSession;
        } else {
            path = QStringLiteral("/api/projects/%1/images?limit=5").arg(m_imageProject);
        }
        if (cursor == QLatin1String("truncated") || cursor == QLatin1String("flipped")) {
            const Reply first = m_client->get(path, token);
            EXPECT_STATUS(first, 200);
            const QString valid = first.json.value(QStringLiteral("nextCursor")).toString();
            QVERIFY(valid.size() > 10);
            EXPECT_STATUS(m_client->get(path + QStringLiteral("&cursor=") + enc(valid), token), 200);
            if (cursor == QLatin1String("truncated")) {
                cursor = valid.left(valid.size() - 6);
            } else {
                cursor = valid;
                cursor[0] = cursor[0] == QLatin1Char('d') ? QLatin1Char('e') : QLatin1Char('d');
            }
        }
        const Reply reply = m_client->get(path + QStringLiteral("&cursor=") + enc(cursor), token);
        EXPECT_STATUS(reply, 400);
        QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(!reply.json.value(QStringLiteral("error")).toString().isEmpty());
    }

    void cursorIsAKeyNotAPosition()
    {
        // Between two pages the row the cursor names is deleted and rows with the same time appear on
        // both sides of it: the walk continues strictly after the cursor's (time, id).
        const QString session = createSession(m_genOwner, m_genProject, QStringLiteral("Live"), false);
        QVERIFY(!session.isEmpty());
        QList<GenerationRow> rows;
        for (int i = 0; i < 40; ++i) {
            GenerationRow row;
            row.sessionId = session;
            row.projectId = m_genProject;
            row.userId = m_genOwner.id;
            row.createdAt = kT1;
            rows << row;
        }
        QVERIFY2(m_data->insert(rows), qPrintable(m_data->lastError()));
        QList<Keyed> keyed;
        for (const GenerationRow &row : rows)
            keyed << Keyed{row.createdAt, row.id};
        const QStringList all = sortedIds(keyed);

        const QString path = QStringLiteral("/api/generations?limit=10&sessionId=") + session;
        Reply reply = m_client->get(path, m_genOwner.accessToken);
        EXPECT_STATUS(reply, 200);
        const QStringList first = idsOf([&] {
            QList<QJsonObject> objects;
            for (const QJsonValue &value : reply.data())
                objects << value.toObject();
            return objects;
        }());
        QCOMPARE(first, all.mid(0, 10));
        const QString cursor = reply.json.value(QStringLiteral("nextCursor")).toString();
        QVERIFY(!cursor.isEmpty());

        QVERIFY2(m_data->exec(QStringLiteral("DELETE FROM generations WHERE id = ?"), {first.last()}), qPrintable(m_data->lastError()));
        QList<GenerationRow> late(2);
        late[0].id = QStringLiteral("ffffffff-ffff-7fff-bfff-ffffffffffff"); // sorts before the cursor: already passed
        late[1].id = QStringLiteral("00000000-0000-7000-8000-000000000000"); // sorts after it: still ahead
        for (GenerationRow &row : late) {
            row.sessionId = session;
            row.projectId = m_genProject;
            row.userId = m_genOwner.id;
            row.createdAt = kT1;
        }
        QVERIFY2(m_data->insert(late), qPrintable(m_data->lastError()));

        QStringList rest;
        QString next = cursor;
        for (int page = 0; page < 20 && !next.isEmpty(); ++page) {
            reply = m_client->get(path + QStringLiteral("&cursor=") + enc(next), m_genOwner.accessToken);
            EXPECT_STATUS(reply, 200);
            for (const QJsonValue &value : reply.data())
                rest << value.toObject().value(QStringLiteral("id")).toString();
            next = reply.json.value(QStringLiteral("nextCursor")).toString();
        }
        QStringList expected = all.mid(10);
        expected << late[1].id;
        verifyWalk(rest, expected);
    }

    void listsStillWhole()
    {
        // After all the hostile cursors, nothing was dropped or changed.
        QList<QJsonObject> rows;
        walk(QStringLiteral("/api/projects/with-thumbnails?scope=all"), m_alice.accessToken, 50, &rows);
        QCOMPARE(rows.size(), m_aliceOwned.size() + m_bobSharedWithAlice.size());
        rows.clear();
        walk(QStringLiteral("/api/generations?sessionId=") + m_genSession, m_genOwner.accessToken, 50, &rows);
        QCOMPARE(rows.size(), m_generations.size());
    }
};

QTEST_GUILESS_MAIN(TestApiPagination)
#include "tst_api_pagination.moc"
