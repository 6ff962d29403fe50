// Bad input in what names things: invalid ids in paths, query strings and bodies, path traversal,
// unknown routes, wrong methods, and forged, expired and malformed tokens.
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
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTest>
#include <QUrl>
#include <algorithm>

using namespace vesper::test;

namespace {

QByteArray b64url(const QByteArray &raw)
{
    return raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray signJwt(const QJsonObject &header, const QJsonObject &payload, const QByteArray &secret)
{
    const QByteArray input = b64url(compact(header)) + '.' + b64url(compact(payload));
    return input + '.' + b64url(QMessageAuthenticationCode::hash(input, secret, QCryptographicHash::Sha256));
}

QJsonObject jwtPayload(const QString &token)
{
    const QList<QByteArray> parts = token.toLatin1().split('.');
    if (parts.size() != 3)
        return {};
    return QJsonDocument::fromJson(QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding)).object();
}

} // namespace

class TestApiBadInputIds : public QObject, private BadInputFixture {
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

    // ---- invalid ids ---------------------------------------------------------------------------

    void invalidPathIds_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("pathTemplate"); // %ID% is replaced by the encoded bad id
        QTest::addColumn<QString>("id");
        const QList<std::tuple<const char *, QString>> ids{
            {"word", QStringLiteral("not-a-uuid")},
            {"sql", QStringLiteral("1' OR '1'='1")},
            {"sql-drop", QStringLiteral("'; DROP TABLE projects; --")},
            {"sql-comment", QStringLiteral("1/**/OR/**/1=1")},
            {"percent-wildcard", QStringLiteral("%")},
            {"like-wildcards", QStringLiteral("________-____-____-____-____________")},
            {"uuid-bad-hex", QStringLiteral("0190a6c4-1b2e-7000-8000-00000000000g")},
            {"uuid-trailing", QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000x")},
            {"uuid-braces", QStringLiteral("{0190a6c4-1b2e-7000-8000-000000000000}")},
            {"uuid-no-dashes", QStringLiteral("0190a6c41b2e70008000000000000000")},
            {"long", QString(3000, QLatin1Char('a'))},
            {"unicode", QStringLiteral("\u65e5\u672c\u8a9e")},
            {"nul", QStringLiteral("abc\u0000def")},
            {"missing", QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000")}, // well formed, nobody's
        };
        const QList<QPair<const char *, const char *>> endpoints{
            {"GET", "/api/projects/%ID%"},
            {"PATCH", "/api/projects/%ID%"},
            {"DELETE", "/api/projects/%ID%"},
            {"GET", "/api/projects/%ID%/members"},
            {"POST", "/api/projects/%ID%/members"},
            {"DELETE", "/api/projects/%ID%/members/%MEMBER_ID%"},
            {"DELETE", "/api/projects/%PROJECT%/members/%ID%"},
            {"GET", "/api/projects/%ID%/images"},
            {"PATCH", "/api/sessions/%ID%"},
            {"DELETE", "/api/sessions/%ID%"},
        };
        for (const auto &[method, path] : endpoints) {
            for (const auto &[name, id] : ids)
                QTest::addRow("%s %s %s", method, path, name) << QByteArray(method) << QString::fromLatin1(path) << id;
        }
    }

    void invalidPathIds()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, pathTemplate);
        QFETCH(QString, id);
        const QByteArray before = snapshot();
        QString path = fill(pathTemplate);
        path.replace(QStringLiteral("%ID%"), enc(id));
        QByteArray body;
        if (method == "PATCH")
            body = R"({"name": "renamed by a bad id"})";
        else if (method == "POST")
            body = fill(QByteArray(R"({"email": "%MEMBER_EMAIL%", "role": "viewer"})"));
        const Reply reply = m_client->send(method, path, body, m_owner.accessToken);
        EXPECT_STATUS(reply, 404);
        QCOMPARE(reply.code(), QStringLiteral("NOT_FOUND"));
        QCOMPARE(snapshot(), before);
    }

    void pathTraversal_data()
    {
        QTest::addColumn<QByteArray>("requestLine");
        const QByteArrayList targets{
            "/api/projects/../../etc/passwd",
            "/api/projects/..%2F..%2Fetc%2Fpasswd",
            "/api/projects/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
            "/api/projects/{P}/../../../etc/passwd",
            "/api/projects/{P}/members/../../{P}",
            "/api/sessions/..%2F{S}",
            "/api/sessions/{S}%2F..%2F..%2F",
            "/api/projects/{P}/members/..%2F{M}",
            "/api/projects/{P}%00",
            "/api/projects/%00{P}",
            "/api/projects/{P}%00/members",
            "/api/projects/{P}%00/members/{M}",
            "/api/projects/{P}/members/{M}%00",
            "/api/sessions/{S}%00",
        };
        for (const QByteArray &target : targets) {
            for (const char *method : {"GET", "DELETE"})
                QTest::addRow("%s %s", method, target.constData()) << QByteArray(method) + ' ' + target;
        }
    }

    void pathTraversal()
    {
        QFETCH(QByteArray, requestLine);
        // A project of its own per row, so a request that reaches it by accident shows in the snapshot.
        Reply reply = m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), QStringLiteral("victim")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        const QString victim = reply.json.value(QStringLiteral("id")).toString();
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(victim),
                               {{QStringLiteral("userId"), m_member.id}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        EXPECT_STATUS(acceptInvitation(*m_client, m_member, reply.json.value(QStringLiteral("id")).toString()), 200);
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + victim, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        const QString victimSession = reply.data().first().toObject().value(QStringLiteral("id")).toString();
        auto victimState = [&]() {
            QByteArray state;
            for (const QString &path : QStringList{QStringLiteral("/api/projects/") + victim,
                                                   QStringLiteral("/api/projects/%1/members").arg(victim),
                                                   QStringLiteral("/api/sessions?projectId=") + victim}) {
                const Reply r = m_client->get(path, m_owner.accessToken);
                state += QByteArray::number(r.status) + ' ' + r.body + '\n';
            }
            return state;
        };
        const QByteArray before = victimState();
        const QByteArray fixture = snapshot();

        requestLine.replace("{P}", victim.toLatin1());
        requestLine.replace("{S}", victimSession.toLatin1());
        requestLine.replace("{M}", m_member.id.toLatin1());
        const QList<QByteArray> parts = requestLine.split(' ');
        const RawReply raw = rawExchange(m_server->port(), requestHead(parts[0], parts[1], m_owner.accessToken));
        // 404 like anything missing (a 400 for a request the HTTP layer refuses outright is fine too;
        // 405 when the mangled path still has the shape of a route that lacks this method).
        QVERIFY2(raw.status == 404 || raw.status == 400 || raw.status == 405, qPrintable(describe(raw)));
        QCOMPARE(victimState(), before);
        QCOMPARE(snapshot(), fixture);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + victim, m_owner.accessToken), 204);
    }

    void invalidQueryIds_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        const QList<std::tuple<const char *, QString>> ids{
            {"empty", QString()},
            {"word", QStringLiteral("nope")},
            {"sql", QStringLiteral("' OR 1=1 --")},
            {"sql-drop", QStringLiteral("'; DROP TABLE sessions; --")},
            {"traversal", QStringLiteral("../../etc/passwd")},
            {"uuid-trailing", QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000x")},
            {"wildcard", QStringLiteral("%")},
        };
        for (const char *base : {"/api/sessions?projectId=", "/api/generations?sessionId="}) {
            for (const auto &[name, id] : ids)
                QTest::addRow("%s%s", base, name) << QString::fromLatin1(base) + enc(id) << 400;
            QTest::addRow("%smissing-id", base) << QString::fromLatin1(base) + QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000") << 404;
        }
        QTest::newRow("sessions without projectId") << QStringLiteral("/api/sessions") << 400;
        QTest::newRow("generations without sessionId") << QStringLiteral("/api/generations") << 400;
        QTest::newRow("scope unknown") << QStringLiteral("/api/projects/with-thumbnails?scope=everything") << 400;
        QTest::newRow("scope sql") << QStringLiteral("/api/projects/with-thumbnails?scope=") + enc(QStringLiteral("all' OR 1=1 --")) << 400;
        QTest::newRow("changes since word") << QStringLiteral("/api/changes?since=abc") << 400;
        QTest::newRow("changes since sql") << QStringLiteral("/api/changes?since=") + enc(QStringLiteral("0 OR 1=1")) << 400;
        QTest::newRow("changes since fraction") << QStringLiteral("/api/changes?since=1.5") << 400;
    }

    void invalidQueryIds()
    {
        QFETCH(QString, path);
        QFETCH(int, status);
        const Reply reply = m_client->get(path, m_owner.accessToken);
        EXPECT_STATUS(reply, status);
        QCOMPARE(reply.code(), status == 400 ? QStringLiteral("VALIDATION_ERROR") : QStringLiteral("NOT_FOUND"));
    }

    void unknownBodyIds()
    {
        // Well-formed ids in a body that name nothing: 404, not a 500 from a foreign key.
        const QString nobody = QStringLiteral("0190a6c4-1b2e-7000-8000-000000000000");
        Reply reply = m_client->post(QStringLiteral("/api/sessions"),
                                     {{QStringLiteral("projectId"), nobody}, {QStringLiteral("name"), QStringLiteral("s")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 404);
        const QByteArray before = snapshot();
        // An invitation to an id or an email nobody has answers like any other (no account oracle)
        // and makes no member.
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_project),
                               {{QStringLiteral("userId"), nobody}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QVERIFY(!reply.json.contains(QStringLiteral("userId")) && !reply.json.contains(QStringLiteral("email")));
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_project),
                               {{QStringLiteral("email"), QStringLiteral("nobody-at-all@badinput.example.com")},
                                {QStringLiteral("role"), QStringLiteral("viewer")}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QVERIFY(!reply.json.contains(QStringLiteral("userId")) && !reply.json.contains(QStringLiteral("email")));
        QCOMPARE(snapshot(), before);
    }

    // ---- routes and methods --------------------------------------------------------------------

    void unknownRoutes_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        for (const char *path : {"/api/nope", "/api", "/api/", "/nope", "/api/projects/with-thumbnails/extra", "/api/projectsx",
                                 "/API/PROJECTS/WITH-THUMBNAILS", "/api/projects/%PROJECT%/nope", "/api/projects/%PROJECT%/members/%MEMBER_ID%/x",
                                 "/api/sessions/%SESSION%/nope", "/api/../etc/passwd"})
            QTest::addRow("GET %s", path) << QByteArray("GET") << QString::fromLatin1(path);
        QTest::addRow("POST /api/nope") << QByteArray("POST") << QStringLiteral("/api/nope");
        QTest::addRow("DELETE /api/nope/x") << QByteArray("DELETE") << QStringLiteral("/api/nope/x");
    }

    void unknownRoutes()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        const Reply reply = m_client->send(method, fill(path), method == "GET" ? QByteArray() : QByteArray("{}"), m_owner.accessToken);
        EXPECT_STATUS(reply, 404);
        QCOMPARE(reply.code(), QStringLiteral("NOT_FOUND"));
    }

    void wrongMethod_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        const QList<QPair<const char *, const char *>> rows{
            {"PUT", "/api/projects"},
            {"DELETE", "/api/projects"},
            {"POST", "/api/projects/with-thumbnails"},
            {"POST", "/api/projects/%PROJECT%"},
            {"PUT", "/api/projects/%PROJECT%"},
            {"PUT", "/api/projects/%PROJECT%/members"},
            {"PATCH", "/api/projects/%PROJECT%/members/%MEMBER_ID%"},
            {"POST", "/api/projects/%PROJECT%/images"},
            {"DELETE", "/api/sessions"},
            {"GET", "/api/sessions/%SESSION%/x"}, // no such route at all, for contrast below
            {"PUT", "/api/sessions/%SESSION%"},
            {"POST", "/api/sessions/%SESSION%"},
            {"POST", "/api/generations"},
            {"DELETE", "/api/changes"},
            {"POST", "/api/changes"},
        };
        for (const auto &[method, path] : rows)
            QTest::addRow("%s %s", method, path) << QByteArray(method) << QString::fromLatin1(path);
    }

    void wrongMethod()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        const QByteArray before = snapshot();
        const Reply reply = m_client->send(method, fill(path), method == "GET" ? QByteArray() : QByteArray("{\"name\":\"x\"}"),
                                           m_owner.accessToken);
        if (path.endsWith(QLatin1String("/x"))) {
            EXPECT_STATUS(reply, 404);
            return;
        }
        EXPECT_STATUS(reply, 405);
        QCOMPARE(snapshot(), before);
    }

    // ---- tokens --------------------------------------------------------------------------------

    void badTokens_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("status");
        QTest::newRow("control: re-signed with the right key") << "resigned" << 200;
        QTest::newRow("none") << "none" << 401;
        QTest::newRow("garbage") << "garbage" << 401;
        QTest::newRow("not bearer") << "basic" << 401;
        QTest::newRow("forged: other key") << "forged" << 401;
        QTest::newRow("forged: other user, other key") << "impersonate" << 401;
        QTest::newRow("alg none") << "alg-none" << 401;
        QTest::newRow("expired a day ago") << "expired" << 401;
        QTest::newRow("signature stripped") << "stripped" << 401;
        QTest::newRow("sql in token") << "sql" << 401;
    }

    void badTokens()
    {
        QFETCH(QString, kind);
        QFETCH(int, status);
        const QJsonObject payload = jwtPayload(m_owner.accessToken);
        QVERIFY2(payload.contains(QStringLiteral("sub")), "the access token is not a JWT with sub");
        const QJsonObject hs256{{QStringLiteral("alg"), QStringLiteral("HS256")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QByteArray header;
        if (kind == QLatin1String("resigned")) {
            header = "Bearer " + signJwt(hs256, payload, kJwtSecret);
        } else if (kind == QLatin1String("garbage")) {
            header = "Bearer not.a.token";
        } else if (kind == QLatin1String("basic")) {
            header = "Basic " + QByteArray("user:pass").toBase64();
        } else if (kind == QLatin1String("forged")) {
            header = "Bearer " + signJwt(hs256, payload, "some-other-secret-some-other-secret-0123");
        } else if (kind == QLatin1String("impersonate")) {
            QJsonObject other = payload;
            other.insert(QStringLiteral("sub"), m_member.id);
            header = "Bearer " + signJwt(hs256, other, "guessed");
        } else if (kind == QLatin1String("alg-none")) {
            const QJsonObject none{{QStringLiteral("alg"), QStringLiteral("none")}, {QStringLiteral("typ"), QStringLiteral("JWT")}};
            header = "Bearer " + b64url(compact(none)) + '.' + b64url(compact(payload)) + '.';
        } else if (kind == QLatin1String("expired")) {
            QJsonObject old = payload;
            old.insert(QStringLiteral("exp"), now - 86400);
            old.insert(QStringLiteral("iat"), now - 90000);
            header = "Bearer " + signJwt(hs256, old, kJwtSecret);
        } else if (kind == QLatin1String("stripped")) {
            const QByteArray token = m_owner.accessToken.toLatin1();
            header = "Bearer " + token.left(token.lastIndexOf('.') + 1);
        } else if (kind == QLatin1String("sql")) {
            header = "Bearer ' OR 1=1 --";
        }
        QHash<QByteArray, QByteArray> headers;
        if (!header.isEmpty())
            headers.insert("Authorization", header);
        for (const QString &path : QStringList{QStringLiteral("/api/projects/with-thumbnails"), QStringLiteral("/api/projects/") + m_project,
                                    QStringLiteral("/api/changes?since=0")}) {
            const Reply reply = m_client->send("GET", path, {}, {}, headers);
            EXPECT_STATUS(reply, status);
            if (status == 401) {
                QCOMPARE(reply.code(), QStringLiteral("UNAUTHORIZED"));
                QVERIFY(!reply.body.contains("Fixture"));
            }
        }
        const Reply write = m_client->send("POST", QStringLiteral("/api/projects"), R"({"name":"token test"})", {}, headers);
        EXPECT_STATUS(write, status == 200 ? 201 : 401);
        if (status == 200)
            EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + write.json.value(QStringLiteral("id")).toString(),
                                        m_owner.accessToken),
                          204);
    }

    // ---- after all of it -----------------------------------------------------------------------

    void serverStillHealthy() { checkServerStillHealthy(); }
};

QTEST_GUILESS_MAIN(TestApiBadInputIds)
#include "tst_api_badinput_ids.moc"
