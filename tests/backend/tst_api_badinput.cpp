// Bad input everywhere: broken JSON, wrong types, missing fields, oversize bodies (declared, sent,
// chunked), invalid ids in paths, query strings and bodies, SQL metacharacters in every string field
// (they round-trip verbatim and break nothing), unknown routes, wrong methods, length limits, unicode,
// and forged, expired and malformed tokens.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <algorithm>

#ifdef Q_OS_UNIX
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

using namespace vesper::test;

namespace {

const QByteArray kJwtSecret = "badinput-secret-badinput-secret-badinput-0123456789";
constexpr qint64 kMiB = 1024 * 1024;

QString describe(const Reply &reply)
{
    return QStringLiteral("HTTP %1 %2%3").arg(reply.status).arg(QString::fromUtf8(reply.body.left(600)), reply.networkError);
}

#define EXPECT_STATUS(reply, expected)                                                                                   \
    QVERIFY2((reply).status == (expected),                                                                              \
             qPrintable(QStringLiteral("expected HTTP %1, got %2").arg(expected).arg(describe(reply))))

QString enc(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

/// A response read off a raw socket, for requests QNetworkAccessManager would not send as they are.
struct RawReply {
    int status = 0;
    QByteArray head;
    QByteArray body;
    QString error;
};

RawReply parseRaw(QByteArray buffer, bool *complete)
{
    RawReply reply;
    *complete = false;
    // Interim 1xx responses (100 Continue) come first; the final response follows them.
    while (buffer.startsWith("HTTP/1.1 1") || buffer.startsWith("HTTP/1.0 1")) {
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return reply;
        buffer.remove(0, end + 4);
    }
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return reply;
    reply.head = buffer.left(end);
    const QList<QByteArray> first = reply.head.split('\n').first().split(' ');
    if (first.size() >= 2)
        reply.status = first[1].toInt();
    qint64 length = -1;
    for (const QByteArray &line : reply.head.split('\n')) {
        if (line.toLower().startsWith("content-length:"))
            length = line.mid(15).trimmed().toLongLong();
    }
    reply.body = buffer.mid(end + 4);
    *complete = length < 0 ? reply.status == 204 : reply.body.size() >= length;
    if (length >= 0)
        reply.body.truncate(length);
    return reply;
}

/// Sends a request over a plain socket the way curl does: the head, then (after a 100 Continue when
/// waitForContinue) the body in pieces, reading whatever the server answers meanwhile and stopping
/// when it has answered. POSIX sockets, because a server that answers early and closes may reset the
/// connection, and data that arrived before the reset must still be read (QTcpSocket drops it).
RawReply rawExchange(quint16 port, const QByteArray &head, const QByteArray &body = {}, int timeoutMs = 15000,
                     bool waitForContinue = false)
{
#ifdef Q_OS_UNIX
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return RawReply{0, {}, {}, QStringLiteral("socket failed")};
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return RawReply{0, {}, {}, QStringLiteral("cannot connect")};
    }
    QByteArray received;
    bool complete = false;
    bool readable = true;
    QString error;
    QByteArray pending = head;
    const QByteArray rest = body;
    bool bodyQueued = !waitForContinue;
    if (bodyQueued)
        pending += rest;
    qsizetype sent = 0;
    QElapsedTimer timer;
    timer.start();
    while (readable && !complete && timer.elapsed() < timeoutMs) {
        const bool answered = parseRaw(received, &complete).status != 0;
        if (!bodyQueued && (received.contains("\r\n\r\n") || timer.elapsed() > 5000)) {
            if (!answered) // 100 Continue (or no word for 5 s): send the body now
                pending += rest;
            bodyQueued = true;
        }
        const bool wantWrite = !answered && sent < pending.size();
        pollfd p{fd, short(POLLIN | (wantWrite ? POLLOUT : 0)), 0};
        if (::poll(&p, 1, 100) < 0)
            break;
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            char buffer[65536];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                received.append(buffer, n);
            } else {
                if (n < 0)
                    error = QString::fromLocal8Bit(strerror(errno));
                readable = false;
            }
        }
        if (wantWrite && (p.revents & POLLOUT)) {
            const ssize_t n = ::send(fd, pending.constData() + sent, size_t(std::min<qsizetype>(pending.size() - sent, 65536)), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else
                pending.truncate(sent); // the server stopped reading; keep listening for its answer
        }
        parseRaw(received, &complete);
    }
    ::close(fd);
    RawReply reply = parseRaw(received, &complete);
    if (reply.status == 0)
        reply.error = QStringLiteral("no response (%1 bytes sent): %2").arg(sent).arg(error);
    return reply;
#else
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return RawReply{0, {}, {}, QStringLiteral("cannot connect")};
    socket.write(head);
    if (waitForContinue)
        socket.waitForReadyRead(5000);
    QByteArray received = socket.readAll();
    bool complete = false;
    if (parseRaw(received, &complete).status == 0)
        socket.write(body);
    QElapsedTimer timer;
    timer.start();
    while (!complete && timer.elapsed() < timeoutMs && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(100);
        received += socket.readAll();
        parseRaw(received, &complete);
    }
    return parseRaw(received, &complete);
#endif
}

QByteArray requestHead(const QByteArray &method, const QByteArray &target, const QString &token, qint64 contentLength = -1,
                       const QByteArray &extra = {})
{
    QByteArray head = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.isEmpty())
        head += "Authorization: Bearer " + token.toLatin1() + "\r\n";
    if (contentLength >= 0)
        head += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(contentLength) + "\r\n";
    return head + extra + "\r\n";
}

QString describe(const RawReply &reply)
{
    return QStringLiteral("HTTP %1 %2 %3").arg(reply.status).arg(QString::fromUtf8(reply.body.left(400)), reply.error);
}

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

class TestApiBadInput : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    int m_users = 0;
    TestUser m_owner, m_member;
    QString m_project, m_session;

    TestUser newUser(const QString &tag, const QString &displayName = QString())
    {
        return m_client->signUp(QStringLiteral("%1-%2@badinput.example.com").arg(tag).arg(++m_users),
                                QStringLiteral("correct horse battery"), displayName);
    }

    int projectCount(const TestUser &user)
    {
        const Reply reply = m_client->get(QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=mine"), user.accessToken);
        return reply.status == 200 ? int(reply.data().size()) : -1;
    }

    int sessionCount(const TestUser &user, const QString &projectId)
    {
        const Reply reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken);
        return reply.status == 200 ? int(reply.data().size()) : -1;
    }

    QByteArray fill(QByteArray body) const
    {
        body.replace("%PROJECT%", m_project.toLatin1());
        body.replace("%SESSION%", m_session.toLatin1());
        body.replace("%MEMBER_EMAIL%", m_member.email.toLatin1());
        body.replace("%MEMBER_ID%", m_member.id.toLatin1());
        return body;
    }

    QString fill(QString path) const
    {
        return QString::fromLatin1(fill(path.toLatin1()));
    }

    /// The five JSON-body endpoints, as method and path.
    static QList<QPair<QByteArray, QString>> bodyEndpoints()
    {
        return {{"POST", QStringLiteral("/api/projects")},
                {"PATCH", QStringLiteral("/api/projects/%PROJECT%")},
                {"POST", QStringLiteral("/api/sessions")},
                {"PATCH", QStringLiteral("/api/sessions/%SESSION%")},
                {"POST", QStringLiteral("/api/projects/%PROJECT%/members")}};
    }

    /// State that a refused request must leave as it was.
    QByteArray snapshot()
    {
        QByteArray state;
        for (const QString &path : QStringList{QStringLiteral("/api/projects/with-thumbnails?limit=50&scope=all"),
                                    QStringLiteral("/api/sessions?projectId=") + m_project,
                                    QStringLiteral("/api/projects/%1/members").arg(m_project)}) {
            const Reply reply = m_client->get(path, m_owner.accessToken);
            state += QByteArray::number(reply.status) + ' ' + reply.body + '\n';
        }
        return state;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
        m_server = std::make_unique<TestServer>();
        m_server->setEnv(QStringLiteral("VESPER_JWT_SECRET"), QString::fromLatin1(kJwtSecret));
        m_server->setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0")); // not what this suite measures
        m_server->setEnv(QStringLiteral("VESPER_AUTH_RATE_LIMIT"), QStringLiteral("0"));
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        m_client = std::make_unique<TestClient>(m_server->baseUrl());
        m_data = std::make_unique<TestData>(m_server->dbUrl());
        QVERIFY2(m_data->isOpen(), qPrintable(m_data->lastError()));

        m_owner = newUser(QStringLiteral("owner"), QStringLiteral("Owner"));
        m_member = newUser(QStringLiteral("member"), QStringLiteral("Member"));
        QVERIFY(!m_owner.id.isEmpty() && !m_member.id.isEmpty());
        Reply reply = m_client->post(QStringLiteral("/api/projects"),
                                     {{QStringLiteral("name"), QStringLiteral("Fixture")}, {QStringLiteral("isShared"), true}},
                                     m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        m_project = reply.json.value(QStringLiteral("id")).toString();
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_project),
                               {{QStringLiteral("email"), m_member.email}, {QStringLiteral("role"), QStringLiteral("editor")}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        reply = m_client->get(QStringLiteral("/api/sessions?projectId=") + m_project, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QVERIFY(!reply.data().isEmpty());
        m_session = reply.data().first().toObject().value(QStringLiteral("id")).toString();
    }

    void cleanupTestCase()
    {
        m_data.reset();
        m_client.reset();
        m_server.reset();
    }

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
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_project),
                               {{QStringLiteral("userId"), nobody}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        EXPECT_STATUS(reply, 404);
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(m_project),
                               {{QStringLiteral("email"), QStringLiteral("nobody-at-all@badinput.example.com")},
                                {QStringLiteral("role"), QStringLiteral("viewer")}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 404);
        QCOMPARE(snapshot(), before);
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
        QTest::newRow("control") << QStringLiteral("tab\there\r\nline");
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
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("email"), person.email}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                               m_owner.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.value(QStringLiteral("displayName")).toString(), text);
        reply = m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), QStringLiteral("by meta")}}, person.accessToken);
        EXPECT_STATUS(reply, 201);
        QCOMPARE(reply.json.value(QStringLiteral("owner")).toObject().value(QStringLiteral("displayName")).toString(), text);

        // An email made of SQL adds nobody.
        reply = m_client->get(QStringLiteral("/api/projects/%1/members").arg(projectId), m_owner.accessToken);
        const QJsonArray membersBefore = reply.data();
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("email"), text}, {QStringLiteral("role"), QStringLiteral("viewer")}}, m_owner.accessToken);
        QVERIFY2(reply.status == 400 || reply.status == 404, qPrintable(describe(reply)));
        reply = m_client->post(QStringLiteral("/api/projects/%1/members").arg(projectId),
                               {{QStringLiteral("email"), QStringLiteral("x' OR '1'='1")}, {QStringLiteral("role"), QStringLiteral("viewer")}},
                               m_owner.accessToken);
        QVERIFY2(reply.status == 400 || reply.status == 404, qPrintable(describe(reply)));
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
        QCOMPARE(reply.json.value(QStringLiteral("displayName")).toString(), text);
        EXPECT_STATUS(m_client->del(QStringLiteral("/api/projects/") + projectId, m_owner.accessToken), 204);
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

    void serverStillHealthy()
    {
        const Reply health = m_client->get(QStringLiteral("/healthz"));
        EXPECT_STATUS(health, 200);
        const Reply reply = m_client->get(QStringLiteral("/api/projects/") + m_project, m_owner.accessToken);
        EXPECT_STATUS(reply, 200);
        QCOMPARE(reply.json.value(QStringLiteral("name")).toString(), reply.json.value(QStringLiteral("name")).toString());
        QVERIFY(!reply.json.value(QStringLiteral("name")).toString().isEmpty());
        QByteArray output;
        QVERIFY2(repairStats(*m_server, &output), output.constData());
    }
};

QTEST_GUILESS_MAIN(TestApiBadInput)
#include "tst_api_badinput.moc"
