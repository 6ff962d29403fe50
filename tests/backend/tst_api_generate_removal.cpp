// Deleting a session or a project that holds generations, and resending an accepted request: the
// credits of work that will never run come back, the files go with their rows, and a resend is
// answered with its generation even when the rate limit is spent.
#include "generationfixture.h"
#include "replycheck.h"
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace vesper::test;

class TestApiGenerateRemoval : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void deletingASessionRefundsAndRemovesFiles();
    void deletingAProjectRefundsAndRemovesFiles();
    void resendIsAnsweredWhenRateLimited();
};

namespace {
QString folderOf(const GenerationFixture &f, const TestUser &user, const QString &generationId)
{
    return f.server->dataDir() + QStringLiteral("/storage/%1/%2").arg(user.id, generationId);
}

/// A second session in the fixture's project.
QString newSession(GenerationFixture &f)
{
    const Reply reply = f.client->post(QStringLiteral("/api/sessions"),
                                       QJsonObject{{QStringLiteral("projectId"), f.projectId}, {QStringLiteral("name"), QStringLiteral("Doomed")}},
                                       f.owner.accessToken);
    return reply.status == 201 ? reply.json.value(QStringLiteral("id")).toString() : QString();
}

QString submit(GenerationFixture &f, const QString &sessionId, int outputs)
{
    const Reply reply = f.client->post(QStringLiteral("/api/generate"), generateBody(sessionId, newClientId(), outputs), f.owner.accessToken);
    return reply.status == 202 ? reply.json.value(QStringLiteral("id")).toString() : QString();
}
} // namespace

void TestApiGenerateRemoval::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
}

void TestApiGenerateRemoval::deletingASessionRefundsAndRemovesFiles()
{
    GenerationFixture f;
    QString error;
    // One worker, and a generation that runs long enough to still be waiting when the session goes.
    QVERIFY2(f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("1")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("100")},
                      {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=1")}},
                     &error),
             qPrintable(error));
    const QString doomed = newSession(f);
    QVERIFY(!doomed.isEmpty());
    const QString done = submit(f, doomed, 2);
    QVERIFY(!done.isEmpty());
    QCOMPARE(f.waitFinished(f.owner, done).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    QCOMPARE(QDir(folderOf(f, f.owner, done)).entryList(QDir::Files).size(), 4);
    // Queued behind a big one in another session, so they have not run when the delete comes.
    const QString busy = submit(f, f.sessionId, 4);
    QList<QString> waiting;
    for (int i = 0; i < 3; ++i)
        waiting << submit(f, doomed, 2);
    QVERIFY(!busy.isEmpty() && !waiting.contains(QString()));
    QCOMPARE(f.credits(f.owner), 100 - 2 - 4 - 6);

    EXPECT_STATUS(f.client->del(QStringLiteral("/api/sessions/") + doomed, f.owner.accessToken), 204);
    // The six credits of the three that will never run come back; the two spent on images stay spent.
    QCOMPARE(f.credits(f.owner), 100 - 2 - 4);
    QCOMPARE(f.ledger(f.owner), f.credits(f.owner));
    QVERIFY2(!QDir(folderOf(f, f.owner, done)).exists(), "the completed generation's files outlived its session");
    for (const QString &id : std::as_const(waiting)) {
        QVERIFY(f.status(f.owner, id).isEmpty());
        QVERIFY(!QDir(folderOf(f, f.owner, id)).exists());
    }
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE session_id = '%1'").arg(doomed)).toInt(), 0);
    // The other session's work is untouched and still finishes.
    QCOMPARE(f.waitFinished(f.owner, busy, 60000).value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    QCOMPARE(f.ledger(f.owner), f.credits(f.owner));
}

void TestApiGenerateRemoval::deletingAProjectRefundsAndRemovesFiles()
{
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("0")},
                      {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("50")},
                      {QStringLiteral("VESPER_MODEL_COSTS"), QStringLiteral("sketch=3")}},
                     &error),
             qPrintable(error));
    const QString second = newSession(f);
    const QString a = submit(f, f.sessionId, 1);
    const QString b = submit(f, second, 2);
    QVERIFY(!a.isEmpty() && !b.isEmpty());
    QCOMPARE(f.credits(f.owner), 50 - 9);
    // A file left by an earlier attempt (as a kept Gemini image would be) goes with the project.
    QVERIFY(QDir().mkpath(folderOf(f, f.owner, b)));
    QFile kept(folderOf(f, f.owner, b) + QStringLiteral("/0.png"));
    QVERIFY(kept.open(QIODevice::WriteOnly) && kept.write("png") == 3);
    kept.close();

    EXPECT_STATUS(f.client->del(QStringLiteral("/api/projects/") + f.projectId, f.owner.accessToken), 204);
    QCOMPARE(f.credits(f.owner), 50);
    QCOMPARE(f.ledger(f.owner), 50);
    QVERIFY(!QDir(folderOf(f, f.owner, b)).exists());
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM jobs")).toInt(), 0);
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations")).toInt(), 0);
}

void TestApiGenerateRemoval::resendIsAnsweredWhenRateLimited()
{
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start({{QStringLiteral("VESPER_WORKERS"), QStringLiteral("0")},
                      {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("2")}},
                     &error),
             qPrintable(error));
    const QString clientId = newClientId();
    const Reply first = f.client->post(QStringLiteral("/api/generate"), generateBody(f.sessionId, clientId), f.owner.accessToken);
    EXPECT_STATUS(first, 202);
    EXPECT_STATUS(f.client->post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId()), f.owner.accessToken), 202);
    EXPECT_STATUS(f.client->post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId()), f.owner.accessToken), 429);
    // The client timed out on the first request and sends it again: it gets its generation.
    const Reply again = f.client->post(QStringLiteral("/api/generate"), generateBody(f.sessionId, clientId), f.owner.accessToken);
    EXPECT_STATUS(again, 200);
    QCOMPARE(again.json.value(QStringLiteral("id")).toString(), first.json.value(QStringLiteral("id")).toString());
    QCOMPARE(f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations")).toInt(), 2);
}

QTEST_GUILESS_MAIN(TestApiGenerateRemoval)
#include "tst_api_generate_removal.moc"
