// Bad input in request bodies: broken JSON, wrong types, missing fields, oversize bodies (declared, sent,
// chunked), SQL metacharacters in every string field (they round-trip verbatim and break nothing), NUL
// characters, length limits and unicode.
#include "apifixtures.h"
#include "badinputfixture.h"
#include "jsonbody.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "urlencode.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>
#include <QUrl>
#include <algorithm>

using namespace vesper::test;

namespace {

constexpr qint64 kMiB = 1024 * 1024;

} // namespace

class TestApiBadInputBodies : public QObject, private BadInputFixture {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        startServer();
    }

    void cleanupTestCase() { stopServer(); }

    // ---- broken JSON ---------------------------------------------------------------------------

    void brokenJson_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        const QList<QPair<const char *, QByteArray>> bodies{
            {"open-brace", "{"},
            {"words", "not json at all"},
            {"array", "[]"},
            {"string", "\"just a string\""},
            {"number", "42"},
            {"null", "null"},
            {"missing-value", "{\"name\": }"},
            {"trailing-comma", "{\"name\": \"x\",}"},
            {"single-quotes", "{'name': 'x'}"},
            {"unquoted-key", "{name: \"x\"}"},
            {"two-objects", "{\"name\":\"x\"}{\"name\":\"y\"}"},
            {"binary", QByteArray("\xff\xfe\x00\x01garbage", 11)},
            {"nul-inside", QByteArray("{\"name\":\"x\"\x00}", 13)},
            {"deep-nesting", QByteArray(20000, '[') + QByteArray(20000, ']')},
            {"deep-object", QByteArray("{\"a\":").repeated(5000) + "1" + QByteArray(5000, '}')},
            {"empty", QByteArray()},
            {"whitespace", "   \n\t  "},
        };
        for (const auto &[method, path] : bodyEndpoints()) {
            for (const auto &[name, body] : bodies)
                QTest::addRow("%s %s %s", method.constData(), qPrintable(path), name) << method << path << body;
        }
    }

    void brokenJson()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        const QByteArray before = snapshot();
        const Reply reply = m_client->send(method, fill(path), body, m_owner.accessToken);
        EXPECT_STATUS(reply, 400);
        QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(!reply.json.value(QStringLiteral("error")).toString().isEmpty());
        QCOMPARE(snapshot(), before);
    }

    // ---- wrong types and missing fields ---------------------------------------------------------

    void wrongTypes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QByteArray>("body");
        const QString projects = QStringLiteral("/api/projects");
        const QString project = QStringLiteral("/api/projects/%PROJECT%");
        const QString sessions = QStringLiteral("/api/sessions");
        const QString session = QStringLiteral("/api/sessions/%SESSION%");
        const QString members = QStringLiteral("/api/projects/%PROJECT%/members");
        const QList<std::tuple<const char *, const char *, QString, QByteArray>> rows{
            {"project name number", "POST", projects, R"({"name": 5})"},
            {"project name array", "POST", projects, R"({"name": ["a"]})"},
            {"project name object", "POST", projects, R"({"name": {"a": 1}})"},
            {"project name bool", "POST", projects, R"({"name": true})"},
            {"project name null", "POST", projects, R"({"name": null})"},
            {"project name empty", "POST", projects, R"({"name": ""})"},
            {"project isShared string", "POST", projects, R"({"name": "ok", "isShared": "yes"})"},
            {"project isShared number", "POST", projects, R"({"name": "ok", "isShared": 1})"},
            {"project description number", "POST", projects, R"({"name": "ok", "description": 5})"},
            {"project missing name", "POST", projects, R"({})"},
            {"project only description", "POST", projects, R"({"description": "no name"})"},
            {"patch project name number", "PATCH", project, R"({"name": 5})"},
            {"patch project name empty", "PATCH", project, R"({"name": ""})"},
            {"patch project isShared string", "PATCH", project, R"({"isShared": "yes"})"},
            {"patch project description array", "PATCH", project, R"({"description": []})"},
            {"session projectId number", "POST", sessions, R"({"projectId": 7, "name": "s"})"},
            {"session projectId null", "POST", sessions, R"({"projectId": null, "name": "s"})"},
            {"session projectId not uuid", "POST", sessions, R"({"projectId": "not-a-uuid", "name": "s"})"},
            {"session projectId sql", "POST", sessions, R"({"projectId": "'; DROP TABLE projects; --", "name": "s"})"},
            {"session projectId traversal", "POST", sessions, R"({"projectId": "../../etc/passwd", "name": "s"})"},
            {"session name number", "POST", sessions, R"({"projectId": "%PROJECT%", "name": 5})"},
            {"session isPrivate string", "POST", sessions, R"({"projectId": "%PROJECT%", "name": "s", "isPrivate": "true"})"},
            {"session type unknown", "POST", sessions, R"({"projectId": "%PROJECT%", "name": "s", "type": "gif"})"},
            {"session type number", "POST", sessions, R"({"projectId": "%PROJECT%", "name": "s", "type": 5})"},
            {"session missing projectId", "POST", sessions, R"({"name": "s"})"},
            {"session missing name", "POST", sessions, R"({"projectId": "%PROJECT%"})"},
            {"patch session name number", "PATCH", session, R"({"name": 5})"},
            {"patch session name empty", "PATCH", session, R"({"name": ""})"},
            {"patch session isPrivate string", "PATCH", session, R"({"isPrivate": "no"})"},
            {"patch session isPrivate number", "PATCH", session, R"({"isPrivate": 0})"},
            {"member email number", "POST", members, R"({"email": 5, "role": "viewer"})"},
            {"member role unknown", "POST", members, R"({"email": "%MEMBER_EMAIL%", "role": "admin"})"},
            {"member role owner", "POST", members, R"({"email": "%MEMBER_EMAIL%", "role": "owner"})"},
            {"member role number", "POST", members, R"({"email": "%MEMBER_EMAIL%", "role": 5})"},
            {"member missing role", "POST", members, R"({"email": "%MEMBER_EMAIL%"})"},
            {"member userId number", "POST", members, R"({"userId": 7, "role": "viewer"})"},
            {"member userId not uuid", "POST", members, R"({"userId": "nope", "role": "viewer"})"},
            {"member userId sql", "POST", members, R"({"userId": "' OR 1=1 --", "role": "viewer"})"},
            {"member missing who", "POST", members, R"({"role": "viewer"})"},
        };
        for (const auto &[name, method, path, body] : rows)
            QTest::newRow(name) << QByteArray(method) << path << body;
    }

    void wrongTypes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QByteArray, body);
        const QByteArray before = snapshot();
        const Reply reply = m_client->send(method, fill(path), fill(body), m_owner.accessToken);
        EXPECT_STATUS(reply, 400);
        QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(snapshot(), before);
    }

    // ---- body size -----------------------------------------------------------------------------

    void oversizeBody_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<qint64>("size");
        QTest::addColumn<bool>("expectContinue");
        QTest::addColumn<int>("status");
        for (const auto &[method, path] : bodyEndpoints()) {
            for (bool expect : {false, true}) {
                const char *how = expect ? "expect-100" : "straight";
                QTest::addRow("%s %s 1MiB+1 %s", method.constData(), qPrintable(path), how) << method << path << kMiB + 1 << expect << 413;
                QTest::addRow("%s %s 20MiB %s", method.constData(), qPrintable(path), how) << method << path << 20 * kMiB << expect << 413;
            }
        }
        QTest::addRow("POST /api/projects exactly 1MiB") << QByteArray("POST") << QStringLiteral("/api/projects") << kMiB << false << 201;
        QTest::addRow("POST /api/projects exactly 1MiB expect-100") << QByteArray("POST") << QStringLiteral("/api/projects") << kMiB << true << 201;
        QTest::addRow("PATCH project exactly 1MiB") << QByteArray("PATCH") << QStringLiteral("/api/projects/%PROJECT%") << kMiB << false << 200;
    }

    void oversizeBody()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(qint64, size);
        QFETCH(bool, expectContinue);
        QFETCH(int, status);
        // Valid JSON padded with whitespace to the exact size, so only the size can be wrong with it.
        // Sent over a plain socket: QNetworkAccessManager reports a refused upload as a network error.
        QByteArray body = "{\"name\":\"sized " + QByteArray::number(size) + "\",\"projectId\":\"" + m_project.toLatin1()
            + "\",\"email\":\"" + m_member.email.toLatin1() + "\",\"role\":\"editor\"";
        body += QByteArray(size - body.size() - 1, ' ');
        body += '}';
        QCOMPARE(qint64(body.size()), size);
        const QByteArray before = snapshot();
        const QByteArray head = requestHead(method, fill(path).toLatin1(), m_owner.accessToken, size,
                                            expectContinue ? QByteArray("Expect: 100-continue\r\n") : QByteArray());
        const RawReply reply = rawExchange(m_server->port(), head, body, 30000, expectContinue);
        QVERIFY2(reply.status == status, qPrintable(describe(reply)));
        const QJsonObject json = QJsonDocument::fromJson(reply.body).object();
        if (status == 413) {
            QCOMPARE(json.value(QStringLiteral("code")).toString(), QStringLiteral("PAYLOAD_TOO_LARGE"));
            QCOMPARE(snapshot(), before);
        } else {
            QCOMPARE(json.value(QStringLiteral("name")).toString(), QStringLiteral("sized %1").arg(size));
        }
    }

    void oversizeRefusedBeforeBodyArrives()
    {
        // A declared 100 MiB body is refused from the headers alone: the server must answer without it.
        const QByteArray head = requestHead("POST", "/api/projects", m_owner.accessToken, 100 * kMiB) + "{\"name\":\"";
        const RawReply reply = rawExchange(m_server->port(), head, {}, 15000);
        QVERIFY2(reply.status == 413, qPrintable(describe(reply)));
        QVERIFY(reply.body.contains("PAYLOAD_TOO_LARGE"));
    }

    void unknownCallerGetsNoBodyBuffered()
    {
        // 10 MiB declared to the upload route (under its 20 MiB limit) without a token, and to a
        // route that does not exist: both are answered from the headers, none of the body sent.
        QElapsedTimer timer;
        timer.start();
        const RawReply unauthorized = rawExchange(m_server->port(), requestHead("POST", "/api/uploads", QString(), 10 * kMiB), {}, 15000);
        QVERIFY2(unauthorized.status == 401, qPrintable(describe(unauthorized)));
        const RawReply missing = rawExchange(m_server->port(), requestHead("POST", "/api/nothing-here", m_owner.accessToken, 512 * 1024), {}, 15000);
        QVERIFY2(missing.status == 404, qPrintable(describe(missing)));
        const RawReply badToken = rawExchange(m_server->port(), requestHead("POST", "/api/projects", QStringLiteral("not-a-token"), 900 * 1024), {}, 15000);
        QVERIFY2(badToken.status == 401, qPrintable(describe(badToken)));
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed()))); // not after an idle timeout
    }

    void oversizeChunked()
    {
        // No Content-Length: 2 MiB in chunks must still be cut off at the limit.
        const QByteArray head = requestHead("POST", "/api/projects", m_owner.accessToken, -1,
                                            "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
        QByteArray chunks;
        QByteArray json = "{\"name\":\"chunked\",\"description\":\"" + QByteArray(2 * kMiB, 'x') + "\"}";
        for (qsizetype offset = 0; offset < json.size(); offset += 32 * 1024) {
            const QByteArray piece = json.mid(offset, 32 * 1024);
            chunks += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
        }
        chunks += "0\r\n\r\n";
        const int before = projectCount(m_owner);
        const RawReply reply = rawExchange(m_server->port(), head, chunks, 15000);
        QVERIFY2(reply.status == 413, qPrintable(describe(reply)));
        QCOMPARE(projectCount(m_owner), before);
        // And a small chunked body is fine.
        const QByteArray small = "{\"name\":\"chunked small\"}";
        const RawReply ok = rawExchange(m_server->port(), head,
                                        QByteArray::number(small.size(), 16) + "\r\n" + small + "\r\n0\r\n\r\n", 15000);
        QVERIFY2(ok.status == 201, qPrintable(describe(ok)));
    }

    // ---- SQL metacharacters --------------------------------------------------------------------

    void sqlMetacharacters_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("drop") << QStringLiteral("'; DROP TABLE projects; --");
        QTest::newRow("or") << QStringLiteral("\" OR 1=1");
        QTest::newRow("like") << QStringLiteral("%_\\");
        QTest::newRow("bobby") << QStringLiteral("Robert'); DROP TABLE sessions;--");
        QTest::newRow("quotes") << QStringLiteral("it's \"quoted\" `ticked`");
        QTest::newRow("backslashes") << QStringLiteral("\\' \\\" \\\\ \\n \\0");
        QTest::newRow("dollar") << QStringLiteral("$1 $$ $tag$ body $tag$");
        QTest::newRow("placeholders") << QStringLiteral("? ?1 :name @p %s %n %d");
        QTest::newRow("comments") << QStringLiteral("/* x */ -- y # z");
        QTest::newRow("union") << QStringLiteral("x' UNION SELECT password_hash FROM profiles --");
        QTest::newRow("semicolons") << QStringLiteral(";;;");
        QTest::newRow("json-ish") << QStringLiteral("{\"name\": \"injected\"}, \"isShared\": true");
        // Control characters are refused in names since issue 13 (tst_api_names covers them).
    }

    void sqlMetacharacters()
    {
        QFETCH(QString, text);
        const int projectsBefore = projectCount(m_owner);
        // Project name and description.
        Reply reply = m_client->post(QStringLiteral("/api/projects"),
                                     {{QStringLiteral("name"), text}, {QStringLiteral("description"), text}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        const QString projectId = reply.json.value(QStringLiteral("id")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), text);
        QCOMPARE(reply.json.value(QStringLiteral("isShared")).toBool(), false);
        reply = m_client->get(QStringLiteral("/api/projects/") + projectId, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), text);
        reply = m_client->patch(QStringLiteral("/api/projects/") + projectId,
                                {{QStringLiteral("name"), QString(text + QStringLiteral(" 2"))}, {QStringLiteral("description"), QString(QStringLiteral("x") + text)}},
                                m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text + QStringLiteral(" 2"));
        QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), QStringLiteral("x") + text);
        QCOMPARE(projectCount(m_owner), projectsBefore + 1);

        // Session name, created and renamed.
        reply = m_client->post(QStringLiteral("/api/sessions"), {{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), text}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        const QString sessionId = reply.json.value(QStringLiteral("id")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        reply = m_client->patch(QStringLiteral("/api/sessions/") + sessionId, {{QStringLiteral("name"), QString(text + text)}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text + text);
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 2);
        QCOMPARE(reply.data().last().toObject().value(QStringLiteral("name")).toString(), text + text);

        // Display name, through sign-up, shown in the member list and as a project owner.
        const TestUser person = newUser(QStringLiteral("meta"), text);
        QVERIFY(!person.id.isEmpty());
        reply = addMember(*m_client, m_owner, projectId, person, QStringLiteral("viewer"));
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("displayName")).toString(), text);
        reply = m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), QStringLiteral("by meta")}}, person.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.value(QStringLiteral("owner")).toObject().value(QStringLiteral("displayName")).toString(), text);

        // An email made of SQL adds nobody.
        reply = m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), m_owner.accessToken);
        const QJsonArray membersBefore = reply.data();
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("email"), text}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        QVERIFY2(reply.status == 400 || reply.status == 201, qPrintable(describe(reply))); // 201: an invitation nobody answers
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("email"), QStringLiteral("x' OR '1'='1")}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                               m_owner.accessToken);
        QVERIFY2(reply.status == 400 || reply.status == 201, qPrintable(describe(reply)));
        reply = m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), m_owner.accessToken);
        QCOMPARE(reply.data(), membersBefore);

        // Prompts written by the pipeline come back verbatim too.
        QList<GenerationRow> generations(1);
        generations[0].sessionId = sessionId;
        generations[0].projectId = projectId;
        generations[0].userId = m_owner.id;
        generations[0].prompt = text;
        generations[0].negativePrompt = text + QStringLiteral(" (negative)");
        QVERIFY2(m_data->insert(generations), qPrintable(m_data->lastError()));
        reply = m_client->get(QStringLiteral("/api/generations?sessionId=") + sessionId, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.data().size(), 1);
        QCOMPARE(reply.data().first().toObject().value(QStringLiteral("prompt")).toString(), text);
        QCOMPARE(reply.data().first().toObject().value(QStringLiteral("negativePrompt")).toString(), text + QStringLiteral(" (negative)"));

        // Nothing else broke: the fixture and every table are still there.
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + m_project, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QVERIFY(!reply.data().isEmpty());
        QVERIFY(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM projects")).toInt() > 0);
        QVERIFY(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM sessions")).toInt() > 0);
        QVERIFY(m_data->scalar(QStringLiteral("SELECT COUNT(*) FROM profiles")).toInt() > 0);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, m_owner.accessToken), 204);
    }

    void nulCharacter()
    {
        // U+0000 cannot live in a PostgreSQL text column: either refused with a 400 or stored verbatim.
        const QString text = QStringLiteral("before\u0000after");
        const Reply reply = m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), text}}, m_owner.accessToken);
        QVERIFY2(reply.status == 201 || reply.status == 400, qPrintable(describe(reply)));
        if (reply.status == 201) {
            QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
            const Reply detail = m_client->get(QStringLiteral("/api/projects/") + reply.json.value(QStringLiteral("id")).toString(),
                                               m_owner.accessToken);
            QCOMPARE(detail.json.value(QStringLiteral("name")).toString(), text);
        } else {
            QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
        }
    }

    // ---- lengths and unicode -------------------------------------------------------------------

    void lengths_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("status");
        const QString projects = QStringLiteral("/api/projects");
        const QString project = QStringLiteral("/api/projects/%PROJECT%");
        const QString sessions = QStringLiteral("/api/sessions");
        const QString session = QStringLiteral("/api/sessions/%SESSION%");
        auto text = [](int n, QChar c = QLatin1Char('n')) { return QString(n, c); };
        const QChar cjk(0x65e5);
        QTest::newRow("project name 1") << QByteArray("POST") << projects << "name" << text(1) << 201;
        QTest::newRow("project name 200") << QByteArray("POST") << projects << "name" << text(200) << 201;
        QTest::newRow("project name 201") << QByteArray("POST") << projects << "name" << text(201) << 400;
        QTest::newRow("project name 5000") << QByteArray("POST") << projects << "name" << text(5000) << 400;
        QTest::newRow("project name 200 cjk") << QByteArray("POST") << projects << "name" << text(200, cjk) << 201;
        QTest::newRow("project name 201 cjk") << QByteArray("POST") << projects << "name" << text(201, cjk) << 400;
        QTest::newRow("project description 2000") << QByteArray("POST") << projects << "description" << text(2000) << 201;
        QTest::newRow("project description 2001") << QByteArray("POST") << projects << "description" << text(2001) << 400;
        QTest::newRow("patch project name 200") << QByteArray("PATCH") << project << "name" << text(200) << 200;
        QTest::newRow("patch project name 201") << QByteArray("PATCH") << project << "name" << text(201) << 400;
        QTest::newRow("patch project description 2001") << QByteArray("PATCH") << project << "description" << text(2001) << 400;
        QTest::newRow("session name 200") << QByteArray("POST") << sessions << "name" << text(200) << 201;
        QTest::newRow("session name 201") << QByteArray("POST") << sessions << "name" << text(201) << 400;
        QTest::newRow("session name 201 cjk") << QByteArray("POST") << sessions << "name" << text(201, cjk) << 400;
        QTest::newRow("patch session name 200") << QByteArray("PATCH") << session << "name" << text(200) << 200;
        QTest::newRow("patch session name 201") << QByteArray("PATCH") << session << "name" << text(201) << 400;
    }

    void lengths()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(int, status);
        QJsonObject body{{field, value}};
        if (field == QLatin1String("description"))
            body.insert(QStringLiteral("name"), QStringLiteral("with a long description"));
        if (path == QLatin1String("/api/sessions"))
            body.insert(QStringLiteral("projectId"), m_project);
        const QByteArray before = snapshot();
        const Reply reply = m_client->send(method, fill(path), compact(body), m_owner.accessToken);
        EXPECT_STATUS(reply, status);
        if (status == 400) {
            QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
            QCOMPARE(snapshot(), before);
            return;
        }
        QCOMPARE(reply.json.value(field).toString(), value);
        if (method == "POST") {
            const QString kind = path == QLatin1String("/api/sessions") ? QStringLiteral("sessions") : QStringLiteral("projects");
            EXPECT_STATUS(m_client->del(QStringLiteral("/api/%1/%2").arg(kind, reply.json.value(QStringLiteral("id")).toString()),
                                        m_owner.accessToken),
                          204);
        }
    }

    void unicode_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("latin") << QStringLiteral("\u00dcn\u00efc\u00f6d\u00e9 caf\u00e9");
        QTest::newRow("cjk") << QStringLiteral("\u65e5\u672c\u8a9e\u306e\u30d7\u30ed\u30b8\u30a7\u30af\u30c8");
        QTest::newRow("emoji") << QStringLiteral("\U0001F3A8\U0001F58C\uFE0F paint \U0001F469\u200D\U0001F3A8");
        QTest::newRow("rtl") << QStringLiteral("\u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629");
        QTest::newRow("combining") << QStringLiteral("e\u0301 a\u0308 Z\u0335\u0321");
        QTest::newRow("zero-width") << QStringLiteral("zero\u200Bwidth\u2060joiner\uFEFF");
        QTest::newRow("astral-math") << QStringLiteral("\U0001D400\U0001D401 \U00020000");
        QTest::newRow("mixed") << QStringLiteral("Caf\u00e9 \u65e5\u672c \U0001F3A8 '\"%_\\");
    }

    void unicode()
    {
        QFETCH(QString, text);
        Reply reply = m_client->post(QStringLiteral("/api/projects"),
                                     {{QStringLiteral("name"), text}, {QStringLiteral("description"), text}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        const QString projectId = reply.json.value(QStringLiteral("id")).toString();
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        reply = m_client->get(QStringLiteral("/api/projects/") + projectId, m_owner.accessToken);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        QCOMPARE(reply.json.value(QStringLiteral("description")).toString(), text);
        // In the list (gzip or not) too.
        bool listed = false;
        reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=mine"), m_owner.accessToken);
        for (const QJsonValue &project : reply.data()) {
            if (project.toObject().value(QStringLiteral("id")).toString() == projectId) {
                QCOMPARE(project.toObject().value(QStringLiteral("name")).toString(), text);
                listed = true;
            }
        }
        QVERIFY(listed);
        reply = m_client->post(QStringLiteral("/api/sessions"), {{QStringLiteral("projectId"), projectId}, {QStringLiteral("name"), text}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), text);
        const TestUser person = newUser(QStringLiteral("unicode"), text);
        QVERIFY(!person.id.isEmpty());
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("userId"), person.id}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        reply = acceptInvitation(*m_client, person, reply.json.value(QStringLiteral("id")).toString());
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("displayName")).toString(), text);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, m_owner.accessToken), 204);
    }

    // ---- after all of it -----------------------------------------------------------------------

    void serverStillHealthy() { checkServerStillHealthy(); }
};

QTEST_GUILESS_MAIN(TestApiBadInputBodies)
#include "tst_api_badinput_bodies.moc"
