// kill -9 in the middle of a sync, twenty times: `vesper-cli sync` (a real process against a real
// vesper-server) is killed at a random moment while it pulls pages; each time the cache opens without
// a rebuild and passes its check, and in the end one more sync holds exactly what the server has.
#include "client/cache/cachedatabase.h"
#include "client/workspace/knownaccounts.h"
#include "clirun.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace vesper::test;

class TestCliCrash : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void killedMidSyncTwentyTimes();
};

namespace {
bool addGenerations(TestData &data, const QString &sessionId, const QString &projectId, const QString &userId, int count)
{
    QList<GenerationRow> generations;
    for (int i = 0; i < count; ++i) {
        GenerationRow g;
        g.sessionId = sessionId;
        g.projectId = projectId;
        g.userId = userId;
        g.prompt = QStringLiteral("crash test %1").arg(i);
        generations.append(g);
    }
    QList<OutputRow> outputs;
    if (!data.insert(generations))
        return false;
    for (const GenerationRow &g : generations) {
        OutputRow o;
        o.generationId = g.id;
        o.sessionId = sessionId;
        o.projectId = projectId;
        outputs.append(o);
    }
    QList<GenerationRow> none;
    return data.insert(none, outputs);
}

qint64 cachedGenerations(const QString &folder)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("count"));
    db.setDatabaseName(folder + QStringLiteral("/cache.sqlite"));
    qint64 count = -1;
    if (db.open()) {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT count(*) FROM generations")) && q.next())
            count = q.value(0).toLongLong();
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("count"));
    return count;
}
} // namespace

void TestCliCrash::killedMidSyncTwentyTimes()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    TestServer server;
    QVERIFY2(server.start(&reason), qPrintable(reason));
    TestClient api(server.baseUrl());
    const TestUser user = api.signUp(QStringLiteral("crash@example.com"));
    const Reply project = api.post(QStringLiteral("/api/projects"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Crash")}}, user.accessToken);
    QCOMPARE(project.status, 201);
    const QString projectId = project.json.value(QStringLiteral("id")).toString();
    const QString sessionId = api.get(QStringLiteral("/api/sessions?projectId=") + projectId, user.accessToken)
                                  .data().first().toObject().value(QStringLiteral("id")).toString();
    TestData data(server.dbUrl());
    QVERIFY2(data.isOpen(), qPrintable(data.lastError()));
    QVERIFY2(addGenerations(data, sessionId, projectId, user.id, 6000), qPrintable(data.lastError()));

    QTemporaryDir dir;
    CliRunner cli(dir.path());
    cli.setServer(server.baseUrl());
    const QStringList sync{QStringLiteral("--email"), user.email, QStringLiteral("--password-stdin"), QStringLiteral("sync")};
    const QByteArray password = user.password.toUtf8() + '\n';
    const QString folder = vesper::client::KnownAccounts::cacheFolder(cli.cacheDir(), server.baseUrl(), user.id);
    QRandomGenerator random(20261206);
    int midway = 0;
    qint64 total = 6000;
    for (int round = 0; round < 20; ++round) {
        std::unique_ptr<QProcess> process = cli.start(sync, password);
        QThread::msleep(60 + random.bounded(700));
        const bool stillRunning = process->state() == QProcess::Running;
        process->kill(); // SIGKILL
        process->waitForFinished(10000);
        if (!stillRunning)
            qWarning() << "round" << round << "ended before the kill:" << process->exitCode() << process->readAllStandardError().left(300);
        if (!QFile::exists(folder + QStringLiteral("/cache.sqlite"))) {
            qInfo() << "round" << round << "no cache yet:" << process->readAllStandardError().left(400);
            continue; // killed before the cache was made
        }
        vesper::client::CacheDatabase cache(folder);
        QVERIFY2(cache.open(&reason), qPrintable(reason));
        QVERIFY(!cache.wasRebuilt());
        QVERIFY2(cache.quickCheck(&reason), qPrintable(reason));
        cache.closeThreadConnection();
        const qint64 held = cachedGenerations(folder);
        if (held > 0 && held < total)
            ++midway;
        // More arrives between runs, so every run has pages to pull when it is killed.
        QVERIFY2(addGenerations(data, sessionId, projectId, user.id, 1500), qPrintable(data.lastError()));
        total += 1500;
    }
    qInfo() << midway << "of 20 kills landed mid-sync";
    QVERIFY2(midway >= 3, qPrintable(QStringLiteral("only %1 kills landed mid-sync").arg(midway)));
    const CliRun finished = cli.run(sync, password);
    QVERIFY2(finished.exitCode == 0, finished.err.constData());
    QCOMPARE(cachedGenerations(folder), total);
    QCOMPARE(data.scalar(QStringLiteral("SELECT count(*) FROM generations")).toLongLong(), total);
}

QTEST_GUILESS_MAIN(TestCliCrash)
#include "tst_cli_crash.moc"
