#include "visibilityworld.h"

#include "apifixtures.h"
#include "replycheck.h"
#include "urlencode.h"
#include "jsonrows.h"

#include <QJsonArray>
#include <QDebug>
#include <QJsonDocument>
#include <QTest>

namespace vesper::test {

QString thumbUrl(const QString &outputId)
{
    return QStringLiteral("/api/outputs/%1/file?variant=thumb").arg(outputId);
}

QString setDiff(const QSet<QString> &actual, const QSet<QString> &expected)
{
    QStringList missing(expected.begin(), expected.end());
    missing.removeIf([&](const QString &id) { return actual.contains(id); });
    QStringList extra(actual.begin(), actual.end());
    extra.removeIf([&](const QString &id) { return expected.contains(id); });
    return QStringLiteral("missing [%1] unexpected [%2]").arg(missing.join(QLatin1Char(' ')), extra.join(QLatin1Char(' ')));
}

void VisibilityHarness::startServer()
{
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0")); // not what these suites measure
    m_server->setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
    QString error;
    QVERIFY2(m_server->start(&error), qPrintable(error));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_data = std::make_unique<TestData>(m_server->dbUrl());
    QVERIFY2(m_data->isOpen(), qPrintable(m_data->lastError()));
}

void VisibilityHarness::stopServer()
{
    m_data.reset();
    m_client.reset();
    m_server.reset();
}

TestUser VisibilityHarness::newUser(const QString &tag)
{
    const QString email = QStringLiteral("%1-%2@visibility.example.com").arg(tag).arg(++m_users);
    return m_client->signUp(email, QStringLiteral("correct horse battery"), tag + QStringLiteral(" person"));
}

QString VisibilityHarness::createProject(const TestUser &owner, const QString &name, bool shared)
{
    return vesper::test::createProject(*m_client, owner, name, shared);
}

QString VisibilityHarness::firstSession(const TestUser &owner, const QString &projectId)
{
    return vesper::test::firstSession(*m_client, owner, projectId);
}

QString VisibilityHarness::createSession(const TestUser &user, const QString &projectId, const QString &name, bool isPrivate)
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

void VisibilityHarness::addMember(const TestUser &owner, const QString &projectId, const TestUser &member, const QString &role)
{
    // Invited and accepted: a membership counts only once the invitee says yes (DESIGN §3).
    EXPECT_STATUS(vesper::test::addMember(*m_client, owner, projectId, member, role), 200);
}

void VisibilityHarness::buildProject(ProjectFixture &p, const World &w, const QString &name, bool shared, qint64 t0)
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

void VisibilityHarness::buildWorld(World &w, const QString &tag)
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

void VisibilityHarness::walk(const QString &path, const QString &token, QList<QJsonObject> *rows)
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

QHash<QString, QJsonObject> VisibilityHarness::projectList(const TestUser &user, const QString &scope)
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

void VisibilityHarness::apply(Local &local, const QJsonObject &change)
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
        if (k == QLatin1String("member"))
            return &local.members;
        return nullptr;
    };
    if (kind == QLatin1String("profile")) {
        if (op == QLatin1String("upsert"))
            local.profile = change.value(QStringLiteral("data")).toObject();
        return;
    }
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
        for (auto it = local.members.begin(); it != local.members.end();) {
            if (it->value(QStringLiteral("projectId")).toString() == id)
                it = local.members.erase(it);
            else
                ++it;
        }
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

void VisibilityHarness::follow(const TestUser &user, Local &local, int limit, QList<QJsonObject> *fresh,
                               const std::function<void(int page)> &betweenPages)
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
        QVERIFY2(next.isString() && !next.toString().isEmpty(), qPrintable(describe(reply))); // opaque, a string
        const QString nextText = next.toString();
        bool decimal = false, wasDecimal = false;
        const qint64 nextRev = nextText.toLongLong(&decimal), sinceRev = local.since.toLongLong(&wasDecimal);
        if (decimal && wasDecimal)
            QVERIFY2(nextRev >= sinceRev, qPrintable(QStringLiteral("nextSince went back from %1: ").arg(local.since) + describe(reply)));
        const bool hasMore = reply.json.value(QStringLiteral("hasMore")).toBool();
        if (hasMore)
            QVERIFY2(nextText != local.since, qPrintable(QStringLiteral("hasMore without progress: ") + describe(reply)));
        local.since = nextText;
        if (!hasMore)
            return;
        if (betweenPages)
            betweenPages(page);
    }
    QFAIL("changes feed did not end within 10000 pages");
}

void VisibilityHarness::compareWithLists(const TestUser &user, const Local &local, const QString &label, bool compareProjectData)
{
    const QHash<QString, QJsonObject> projects = projectList(user, QStringLiteral("all"));
    if (QTest::currentTestFailed())
        return;
    const QSet<QString> localProjects(local.projects.keyBegin(), local.projects.keyEnd());
    const QSet<QString> listProjects(projects.keyBegin(), projects.keyEnd());
    QVERIFY2(localProjects == listProjects, qPrintable(label + QStringLiteral(": projects ") + setDiff(localProjects, listProjects)));

    QSet<QString> sessions, generations, outputs, members;
    for (const QString &projectId : listProjects) {
        const Reply memberList = m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), user.accessToken);
        EXPECT_STATUS(memberList, 200);
        for (const QJsonValue &value : memberList.data()) {
            QJsonObject member = value.toObject();
            const QString key = projectId + QLatin1Char(':') + member.value(QStringLiteral("userId")).toString();
            members.insert(key);
            member.insert(QStringLiteral("projectId"), projectId);
            QVERIFY2(local.members.value(key) == member,
                     qPrintable(QStringLiteral("%1: member %2: feed %3, list %4")
                                    .arg(label, key, QString::fromUtf8(QJsonDocument(local.members.value(key)).toJson(QJsonDocument::Compact)),
                                         QString::fromUtf8(QJsonDocument(member).toJson(QJsonDocument::Compact)))));
        }
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
    const QSet<QString> localMembers(local.members.keyBegin(), local.members.keyEnd());
    QVERIFY2(localMembers == members, qPrintable(label + QStringLiteral(": members ") + setDiff(localMembers, members)));

    // The caller's profile as the bootstrap shows it (credits included).
    const Reply bootstrap = m_client->get(QStringLiteral("/api/bootstrap"), user.accessToken);
    EXPECT_STATUS(bootstrap, 200);
    const QJsonObject profile = bootstrap.json.value(QStringLiteral("profile")).toObject();
    for (const char *field : {"id", "email", "displayName", "credits"}) {
        const QString key = QString::fromLatin1(field);
        QVERIFY2(local.profile.value(key) == profile.value(key),
                 qPrintable(QStringLiteral("%1: profile field %2 differs: feed %3, bootstrap %4")
                                .arg(label, key, QString::fromUtf8(QJsonDocument(local.profile).toJson(QJsonDocument::Compact)),
                                     QString::fromUtf8(QJsonDocument(profile).toJson(QJsonDocument::Compact)))));
    }
}

bool VisibilityHarness::mentions(const QList<QJsonObject> &changes, const QString &id, const QString &op)
{
    for (const QJsonObject &change : changes) {
        if (change.value(QStringLiteral("id")).toString() == id
            && (op.isEmpty() || change.value(QStringLiteral("op")).toString() == op))
            return true;
    }
    return false;
}

void VisibilityHarness::addWhoProjectRows(const QList<std::tuple<const char *, const char *, int>> &rows)
{
    for (const auto &[who, project, status] : rows)
        QTest::addRow("%s-%s", who, project) << QString::fromLatin1(who) << QString::fromLatin1(project) << status;
}

} // namespace vesper::test
