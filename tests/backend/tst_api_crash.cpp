// Crash safety (issue 2, Tests): SIGKILL the server in the middle of concurrent writes, then check
// that the database opens, passes its integrity checks, that `repair-stats` finds no drift in
// project_stats, and that a restarted server lists every project it had acknowledged with a 201.
// Runs on SQLite and on PostgreSQL (tst_api_crash_sqlite / tst_api_crash_postgres).
#include "testclient.h"
#include "testserver.h"

#include <QAtomicInt>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QTest>
#include <QThread>
#include <QUrlQuery>

using namespace vesper::test;

namespace {

constexpr int kWriters = 4;
constexpr int kWriteMillis = 2000;
constexpr int kKills = 2;

/// What the writers were told had been committed (a 201), shared between them.
struct Acknowledged {
    QMutex mutex;
    QStringList projectIds;
    int sessionsCreated = 0;
    int sessionsPatched = 0;
    int sessionsDeleted = 0;
    int otherStatuses = 0;
};

/// One writer: its own TestClient (QNetworkAccessManager is per thread), writing until told to stop
/// or until the server is gone.
class Writer : public QThread {
public:
    Writer(QString baseUrl, QString token, Acknowledged *acknowledged, QAtomicInt *stop)
        : m_baseUrl(std::move(baseUrl)), m_token(std::move(token)), m_ack(acknowledged), m_stop(stop)
    {
    }

protected:
    void run() override
    {
        TestClient client(m_baseUrl);
        QStringList projects; // created by this writer
        QStringList sessions; // created by this writer and not deleted
        QRandomGenerator *random = QRandomGenerator::global();
        int consecutiveNetworkErrors = 0;
        int counter = 0;
        while (!m_stop->loadRelaxed() && consecutiveNetworkErrors < 50) {
            const int dice = int(random->bounded(100));
            Reply reply;
            enum { CreateProject, CreateSession, PatchSession, DeleteSession } op;
            if (projects.isEmpty() || dice < 25) {
                op = CreateProject;
                reply = client.post(QStringLiteral("/api/projects"),
                                    QJsonObject{{QStringLiteral("name"), QStringLiteral("crash %1").arg(++counter)}}, m_token);
            } else if (sessions.isEmpty() || dice < 60) {
                op = CreateSession;
                const QString projectId = projects.at(int(random->bounded(projects.size())));
                reply = client.post(QStringLiteral("/api/sessions"),
                                    QJsonObject{{QStringLiteral("projectId"), projectId},
                                                {QStringLiteral("name"), QStringLiteral("s %1").arg(++counter)},
                                                {QStringLiteral("isPrivate"), random->bounded(2) == 1}},
                                    m_token);
            } else if (dice < 85) {
                op = PatchSession;
                const QString sessionId = sessions.at(int(random->bounded(sessions.size())));
                reply = client.patch(QStringLiteral("/api/sessions/") + sessionId,
                                     QJsonObject{{QStringLiteral("isPrivate"), random->bounded(2) == 1}}, m_token);
            } else {
                op = DeleteSession;
                const QString sessionId = sessions.takeAt(int(random->bounded(sessions.size())));
                reply = client.del(QStringLiteral("/api/sessions/") + sessionId, m_token);
            }
            if (reply.status == 0) {
                ++consecutiveNetworkErrors; // the server is gone (or going); stop soon
                QThread::msleep(5);
                continue;
            }
            consecutiveNetworkErrors = 0;
            const QString id = reply.json.value(QStringLiteral("id")).toString();
            QMutexLocker lock(&m_ack->mutex);
            if (op == CreateProject && reply.status == 201 && !id.isEmpty()) {
                projects.append(id);
                m_ack->projectIds.append(id);
            } else if (op == CreateSession && reply.status == 201 && !id.isEmpty()) {
                sessions.append(id);
                ++m_ack->sessionsCreated;
            } else if (op == PatchSession && reply.status == 200) {
                ++m_ack->sessionsPatched;
            } else if (op == DeleteSession && reply.status == 204) {
                ++m_ack->sessionsDeleted;
            } else {
                ++m_ack->otherStatuses;
            }
        }
    }

private:
    QString m_baseUrl;
    QString m_token;
    Acknowledged *m_ack;
    QAtomicInt *m_stop;
};

} // namespace

class TestApiCrash : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void killMidWrites();

private:
    void checkSqliteFile();
    void checkNoDrift();
    QSet<QString> listProjectIds(TestClient &client);

    TestServer m_server;
    TestUser m_user;
};

void TestApiCrash::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0")); // hammering is the point
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    TestClient client(m_server.baseUrl());
    m_user = client.signUp(QStringLiteral("crash@example.com"));
    QVERIFY2(!m_user.id.isEmpty(), "sign-up failed");
    QVERIFY(!m_user.accessToken.isEmpty());
}

void TestApiCrash::killMidWrites()
{
    QStringList acknowledgedProjects;
    for (int round = 1; round <= kKills; ++round) {
        Acknowledged ack;
        QAtomicInt stop(0);
        QList<Writer *> writers;
        for (int i = 0; i < kWriters; ++i) {
            writers.append(new Writer(m_server.baseUrl(), m_user.accessToken, &ack, &stop));
            writers.last()->start();
        }
        QThread::msleep(kWriteMillis);
        m_server.kill(); // SIGKILL while the writers are mid-request
        stop.storeRelaxed(1);
        for (Writer *writer : writers) {
            QVERIFY(writer->wait(60000));
            delete writer;
        }
        qInfo("round %d: %lld projects, %d sessions created, %d patched, %d deleted acknowledged; %d other answers",
              round, qlonglong(ack.projectIds.size()), ack.sessionsCreated, ack.sessionsPatched, ack.sessionsDeleted,
              ack.otherStatuses);
        QVERIFY2(ack.projectIds.size() > 0, "no project was created before the kill");
        QVERIFY2(ack.sessionsCreated > 0, "no session was created before the kill");
        acknowledgedProjects += ack.projectIds;

        if (TestServer::dialect() == QLatin1String("sqlite")) {
            checkSqliteFile();
            if (QTest::currentTestFailed())
                return;
        }
        checkNoDrift();
        if (QTest::currentTestFailed())
            return;

        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(QStringLiteral("restart after kill %1: %2").arg(round).arg(error)));
        TestClient client(m_server.baseUrl());
        const QSet<QString> listed = listProjectIds(client);
        if (QTest::currentTestFailed())
            return;
        for (const QString &id : std::as_const(acknowledgedProjects))
            QVERIFY2(listed.contains(id), qPrintable(QStringLiteral("project %1 got a 201 but is not listed after kill %2").arg(id).arg(round)));

        // The restarted server takes writes again.
        const Reply created = client.post(QStringLiteral("/api/projects"), QJsonObject{{QStringLiteral("name"), QStringLiteral("after kill")}},
                                          m_user.accessToken);
        QCOMPARE(created.status, 201);
        acknowledgedProjects.append(created.json.value(QStringLiteral("id")).toString());
    }
}

void TestApiCrash::checkSqliteFile()
{
    QString path = m_server.dbUrl();
    QVERIFY(path.startsWith(QLatin1String("sqlite:")));
    path = path.mid(7);
    const QString name = QStringLiteral("crash-check");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        QSqlQuery integrity(db);
        QVERIFY2(integrity.exec(QStringLiteral("PRAGMA integrity_check")), qPrintable(integrity.lastError().text()));
        QStringList problems;
        while (integrity.next())
            problems << integrity.value(0).toString();
        QCOMPARE(problems.join(QLatin1Char('\n')), QStringLiteral("ok"));

        QSqlQuery foreignKeys(db);
        QVERIFY2(foreignKeys.exec(QStringLiteral("PRAGMA foreign_key_check")), qPrintable(foreignKeys.lastError().text()));
        QStringList violations;
        while (foreignKeys.next())
            violations << foreignKeys.value(0).toString() + QLatin1Char(' ') + foreignKeys.value(1).toString();
        QVERIFY2(violations.isEmpty(), qPrintable(QStringLiteral("foreign key violations: ") + violations.join(QStringLiteral(", "))));
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void TestApiCrash::checkNoDrift()
{
    QByteArray output;
    const int code = m_server.runCommand({QStringLiteral("repair-stats")}, &output);
    QVERIFY2(code == 0 && output.contains("no drift"),
             qPrintable(QStringLiteral("repair-stats exited %1:\n%2").arg(code).arg(QString::fromUtf8(output))));
}

QSet<QString> TestApiCrash::listProjectIds(TestClient &client)
{
    QSet<QString> ids;
    QString cursor;
    for (int page = 0; page < 10000; ++page) {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("limit"), QStringLiteral("50"));
        if (!cursor.isEmpty())
            query.addQueryItem(QStringLiteral("cursor"), cursor);
        const Reply reply = client.get(QStringLiteral("/api/projects/with-thumbnails?") + query.toString(QUrl::FullyEncoded),
                                       m_user.accessToken);
        if (reply.status != 200) {
            QTest::qFail(qPrintable(QStringLiteral("project list answered %1: %2").arg(reply.status).arg(QString::fromUtf8(reply.body.left(300)))),
                         __FILE__, __LINE__);
            return ids;
        }
        for (const QJsonValue &project : reply.data())
            ids.insert(project.toObject().value(QStringLiteral("id")).toString());
        cursor = reply.json.value(QStringLiteral("nextCursor")).toString();
        if (!reply.json.value(QStringLiteral("hasMore")).toBool() || cursor.isEmpty())
            return ids;
    }
    QTest::qFail("the project list did not end", __FILE__, __LINE__);
    return ids;
}

QTEST_GUILESS_MAIN(TestApiCrash)
#include "tst_api_crash.moc"
