// The manners every response keeps (DESIGN §4): request ids, Server-Timing, gzip, 413 before a body
// is read, 429 with Retry-After, metrics, structured logs without secrets, embedded mode, and
// settings that stop the server with one clear line.
#include "testclient.h"
#include "testserver.h"

#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

using namespace vesper::test;

class TestApiManners : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyResponseCarriesIdAndTiming();
    void largeJsonIsGzipped();
    void oversizeBodyIsRefusedBeforeItIsRead();
    void rateLimitAnswers429WithRetryAfter();
    void connectionsPerAddressAreCapped();
    void metricsAndHealth();
    void logsAreJsonWithoutSecrets();
    void embeddedModeServesTheLocalProfile();
    void badSettingsStopWithOneLine_data();
    void badSettingsStopWithOneLine();
    void changedMigrationStopsTheServer();

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    TestUser m_user;
};

void TestApiManners::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server = std::make_unique<TestServer>();
    m_server->setEnv(QStringLiteral("VESPER_ACCESS_LOG"), QStringLiteral("1"));
    QVERIFY2(m_server->start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server->baseUrl());
    m_user = m_client->signUp(QStringLiteral("manners@vesper.test"), QStringLiteral("hunter2-very-secret"));
    QVERIFY(!m_user.id.isEmpty());
}

void TestApiManners::everyResponseCarriesIdAndTiming()
{
    const QList<Reply> replies{m_client->get(QStringLiteral("/healthz")),
                               m_client->get(QStringLiteral("/api/projects/with-thumbnails"), m_user.accessToken),
                               m_client->get(QStringLiteral("/api/projects/with-thumbnails")),
                               m_client->get(QStringLiteral("/api/nothing-here"), m_user.accessToken),
                               m_client->send("POST", QStringLiteral("/api/projects"), "{broken", m_user.accessToken)};
    const QList<int> statuses{200, 200, 401, 404, 400};
    for (int i = 0; i < replies.size(); ++i) {
        QCOMPARE(replies[i].status, statuses[i]);
        QVERIFY2(!replies[i].headers.value("x-request-id").isEmpty(), qPrintable(QString::number(i)));
        QVERIFY2(replies[i].headers.value("server-timing").startsWith("app;dur="), replies[i].headers.value("server-timing").constData());
    }
    const Reply echoed = m_client->send("GET", QStringLiteral("/healthz"), {}, {}, {{"X-Request-Id", "trace-abc_123"}});
    QCOMPARE(echoed.headers.value("x-request-id"), QByteArray("trace-abc_123"));
    const Reply replaced = m_client->send("GET", QStringLiteral("/healthz"), {}, {}, {{"X-Request-Id", "bad id\" with quotes"}});
    QVERIFY(replaced.headers.value("x-request-id") != QByteArray("bad id\" with quotes"));
}

void TestApiManners::largeJsonIsGzipped()
{
    for (int i = 0; i < 12; ++i)
        QCOMPARE(m_client->post(QStringLiteral("/api/projects"), {{QStringLiteral("name"), QStringLiteral("Gzip %1").arg(i)}}, m_user.accessToken).status, 201);
    // Asking for gzip by hand keeps the client from inflating it silently.
    const Reply reply = m_client->send("GET", QStringLiteral("/api/projects/with-thumbnails?limit=12"), {}, m_user.accessToken,
                                       {{"Accept-Encoding", "gzip"}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.headers.value("content-encoding"), QByteArray("gzip"));
    QVERIFY(reply.body.startsWith("\x1f\x8b"));
    const Reply plain = m_client->send("GET", QStringLiteral("/api/projects/with-thumbnails?limit=12"), {}, m_user.accessToken,
                                       {{"Accept-Encoding", "identity"}});
    QVERIFY(plain.headers.value("content-encoding").isEmpty());
    QVERIFY(plain.body.size() > reply.body.size());
}

void TestApiManners::oversizeBodyIsRefusedBeforeItIsRead()
{
    // Declare 50 MB and send none of it: the answer must come from the headers alone.
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), m_server->port());
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                 "Authorization: Bearer " + m_user.accessToken.toUtf8() + "\r\nContent-Length: 50000000\r\n\r\n");
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (!answer.contains("\r\n\r\n") && timer.elapsed() < 5000) {
        socket.waitForReadyRead(200);
        answer += socket.readAll();
    }
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(200).constData());
    QVERIFY(answer.contains("PAYLOAD_TOO_LARGE") || socket.waitForReadyRead(1000));
}

void TestApiManners::connectionsPerAddressAreCapped()
{
    TestServer capped;
    capped.setEnv(QStringLiteral("VESPER_MAX_CONNECTIONS_PER_IP"), QStringLiteral("2"));
    QString error;
    QVERIFY2(capped.start(&error), qPrintable(error));
    const auto healthz = [&]() -> QByteArray {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), capped.port());
        if (!socket.waitForConnected(3000))
            return QByteArray();
        socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(3000))
            answer += socket.readAll();
        answer += socket.readAll();
        return answer;
    };
    QVERIFY(healthz().startsWith("HTTP/1.1 200"));
    // Two idle connections held open (a slow client's): a third from the same address is closed unanswered.
    QTcpSocket first, second;
    for (QTcpSocket *socket : {&first, &second}) {
        socket->connectToHost(QStringLiteral("127.0.0.1"), capped.port());
        QVERIFY(socket->waitForConnected(3000));
    }
    QTest::qWait(200);
    QVERIFY(!healthz().startsWith("HTTP/1.1 200"));
    first.abort();
    QTest::qWait(300);
    QVERIFY(healthz().startsWith("HTTP/1.1 200"));
}

void TestApiManners::rateLimitAnswers429WithRetryAfter()
{
    TestServer limited;
    limited.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("5"));
    QString error;
    QVERIFY2(limited.start(&error), qPrintable(error));
    TestClient client(limited.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("limited@vesper.test"));
    QVERIFY(!user.id.isEmpty());
    int ok = 0;
    Reply refused;
    for (int i = 0; i < 20 && refused.status == 0; ++i) {
        const Reply reply = client.get(QStringLiteral("/api/projects/with-thumbnails"), user.accessToken);
        if (reply.status == 200)
            ++ok;
        else
            refused = reply;
    }
    QVERIFY2(ok >= 4 && ok <= 6, qPrintable(QString::number(ok)));
    QCOMPARE(refused.status, 429);
    QCOMPARE(refused.code(), QStringLiteral("RATE_LIMITED"));
    QVERIFY(refused.headers.value("retry-after").toInt() >= 1);
}

void TestApiManners::metricsAndHealth()
{
    QCOMPARE(m_client->get(QStringLiteral("/healthz")).json.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    const Reply metrics = m_client->get(QStringLiteral("/metrics"));
    QCOMPARE(metrics.status, 200);
    QVERIFY(metrics.headers.value("content-type").startsWith("text/plain"));
    QVERIFY(metrics.body.contains("# TYPE vesper_http_requests_total counter"));
    QVERIFY(metrics.body.contains("vesper_http_requests_total{route=\"/api/projects/with-thumbnails\",method=\"GET\",status=\"200\"}"));
    QVERIFY(metrics.body.contains("vesper_http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"}"));
}

void TestApiManners::logsAreJsonWithoutSecrets()
{
    m_client->post(QStringLiteral("/auth/v1/token?grant_type=password"),
                   {{QStringLiteral("email"), m_user.email}, {QStringLiteral("password"), QStringLiteral("wrong-password-xyz")}});
    QFile log(m_server->dataDir() + QStringLiteral("/server.stderr.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    int requests = 0;
    for (const QByteArray &line : text.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
        if (object.value(QStringLiteral("msg")).toString() == QLatin1String("request")) {
            ++requests;
            QVERIFY(!object.value(QStringLiteral("requestId")).toString().isEmpty());
            QVERIFY(object.contains(QStringLiteral("status")));
        }
    }
    QVERIFY(requests >= 10);
    for (const QByteArray &secret : {QByteArray("hunter2-very-secret"), QByteArray("wrong-password-xyz"),
                                     m_user.accessToken.toUtf8().left(40), m_user.refreshToken.toUtf8(), m_user.email.toUtf8()})
        QVERIFY2(!text.contains(secret), secret.constData());
}

void TestApiManners::embeddedModeServesTheLocalProfile()
{
    TestServer embedded;
    QString error;
    QVERIFY2(embedded.start(&error, {QStringLiteral("--embedded")}), qPrintable(error));
    const auto match = QRegularExpression(QStringLiteral("embedded token: (\\S+)")).match(embedded.stdoutText());
    QVERIFY(match.hasMatch());
    TestClient client(embedded.baseUrl());
    const Reply bootstrap = client.get(QStringLiteral("/api/bootstrap"), match.captured(1));
    QCOMPARE(bootstrap.status, 200);
    QCOMPARE(bootstrap.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("email")).toString(),
             QStringLiteral("local@vesper.invalid"));
    QCOMPARE(client.get(QStringLiteral("/api/bootstrap"), match.captured(1) + QStringLiteral("x")).status, 401);
}

void TestApiManners::badSettingsStopWithOneLine_data()
{
    QTest::addColumn<QString>("variable");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("db scheme") << "VESPER_DB" << "mysql://x" << "VESPER_DB";
    QTest::newRow("listen") << "VESPER_LISTEN" << "nowhere" << "VESPER_LISTEN";
    QTest::newRow("threads") << "VESPER_THREADS" << "lots" << "VESPER_THREADS";
    QTest::newRow("short secret") << "VESPER_JWT_SECRET" << "short" << "VESPER_JWT_SECRET";
    QTest::newRow("signup flag") << "VESPER_ALLOW_SIGNUP" << "maybe" << "VESPER_ALLOW_SIGNUP";
    QTest::newRow("trusted proxy") << "VESPER_TRUSTED_PROXIES" << "10.0.0.1, proxy.local" << "VESPER_TRUSTED_PROXIES";
    QTest::newRow("proxy range") << "VESPER_TRUSTED_PROXIES" << "10.0.0.0/33" << "VESPER_TRUSTED_PROXIES";
    QTest::newRow("body budget") << "VESPER_BODY_MEMORY_BUDGET" << "1000" << "VESPER_BODY_MEMORY_BUDGET";
    QTest::newRow("head timeout") << "VESPER_HEAD_TIMEOUT_SECONDS" << "0" << "VESPER_HEAD_TIMEOUT_SECONDS";
    // The harness runs 4 HTTP threads: 4 costly ones (queue derived: 0), or 2 derived with 3 waiting, hold them all.
    QTest::newRow("costly threads") << "VESPER_COSTLY_THREADS" << "4" << "must stay below VESPER_THREADS (4)";
    QTest::newRow("costly queue") << "VESPER_COSTLY_QUEUE" << "3" << "(2 + 3) must stay below VESPER_THREADS";
}

void TestApiManners::badSettingsStopWithOneLine()
{
    QFETCH(QString, variable);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    TestServer server;
    // The test harness sets the database and listen address itself; those two go in as flags.
    QStringList args{QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")};
    if (variable == QLatin1String("VESPER_DB"))
        args << QStringLiteral("--db") << value;
    else if (variable == QLatin1String("VESPER_LISTEN"))
        args[2] = value;
    else
        server.setEnv(variable, value);
    QByteArray output;
    const int code = server.runCommand(args, &output, 20000);
    QCOMPARE(code, 2);
    const QList<QByteArray> lines = output.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().contains(expected.toUtf8()), output.constData());
}

void TestApiManners::changedMigrationStopsTheServer()
{
    TestServer server;
    QByteArray output;
    QCOMPARE(server.runCommand({QStringLiteral("migrate")}, &output), 0);
    {
        // Pretend the shipped file changed after it was applied.
        QSqlDatabase db;
        const QString url = server.dbUrl();
        if (url.startsWith(QLatin1String("sqlite:"))) {
            db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(url.mid(7));
        } else {
            const QUrl pg(url);
            db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("tamper"));
            db.setHostName(pg.host());
            db.setPort(pg.port(5432));
            db.setUserName(pg.userName());
            db.setDatabaseName(pg.path().mid(1));
        }
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("UPDATE schema_migrations SET checksum = 'deadbeef' WHERE version = 1")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
    const int code = server.runCommand({QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")}, &output, 20000);
    QCOMPARE(code, 1);
    QVERIFY2(output.contains("was changed after it was applied"), output.constData());
}

QTEST_GUILESS_MAIN(TestApiManners)
#include "tst_api_manners.moc"
