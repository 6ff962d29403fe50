// EmbeddedBackend, as the desktop app uses it: in this process, on loopback, with a data folder.
// Two of them share nothing (data, breakers, rate limits, metrics sources, write gates); provider keys
// set at runtime take effect for the next job; stop() under load returns quickly and a restart on the
// same folder finishes every job exactly once.
#include "backend/config/backendsettings.h"
#include "backend/db/database.h"
#include "backend/db/transaction.h"
#include "backend/db/writegate.h"
#include "backend/server/embeddedbackend.h"
#include "fakeanthropic.h"
#include "fakegemini.h"
#include "testclient.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <chrono>
#include <future>

using namespace vesper::backend;
using namespace vesper::test;

namespace {
BackendSettings settingsIn(const QString &dir)
{
    BackendSettings s = BackendSettings::forDataDir(dir);
    s.accessLog = false;
    s.fastPasswordHashing = true;
    s.workers.backoffMs = 50;
    return s;
}

QString bearer(const EmbeddedBackend &backend)
{
    return QString::fromLatin1(backend.accessToken());
}

/// A new project's first session (a project is created with "Session 1").
QString firstSession(TestClient &client, const EmbeddedBackend &backend, const QString &projectName)
{
    const Reply project = client.post(QStringLiteral("/api/projects"), QJsonObject{{QStringLiteral("name"), projectName}}, bearer(backend));
    if (project.status != 201)
        return {};
    const Reply sessions = client.get(QStringLiteral("/api/sessions?projectId=") + project.json.value(QStringLiteral("id")).toString(),
                                      bearer(backend));
    return sessions.data().first().toObject().value(QStringLiteral("id")).toString();
}

Reply generate(TestClient &client, const EmbeddedBackend &backend, const QString &sessionId, const QString &modelId, int outputs = 1)
{
    return client.post(QStringLiteral("/api/generate"),
                       QJsonObject{{QStringLiteral("sessionId"), sessionId},
                                   {QStringLiteral("modelId"), modelId},
                                   {QStringLiteral("prompt"), QStringLiteral("a lighthouse at dusk")},
                                   {QStringLiteral("clientId"), QUuid::createUuid().toString(QUuid::WithoutBraces)},
                                   {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("aspectRatio"), QStringLiteral("1:1")},
                                                                              {QStringLiteral("resolution"), QStringLiteral("1024")},
                                                                              {QStringLiteral("numOutputs"), outputs}}}},
                       bearer(backend));
}

QJsonObject modelEntry(TestClient &client, const EmbeddedBackend &backend, const QString &modelId)
{
    for (const QJsonValue &m : client.get(QStringLiteral("/api/models"), bearer(backend)).json.value(QStringLiteral("models")).toArray()) {
        if (m.toObject().value(QStringLiteral("id")).toString() == modelId)
            return m.toObject();
    }
    return {};
}

/// Waits until every generation id has finished; returns their final objects (empty on timeout).
QList<QJsonObject> waitFinished(TestClient &client, const EmbeddedBackend &backend, const QStringList &ids, int timeoutMs = 60000)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < timeoutMs) {
        QJsonArray array;
        for (const QString &id : ids)
            array.append(id);
        const Reply status = client.post(QStringLiteral("/api/generations/status"), QJsonObject{{QStringLiteral("ids"), array}}, bearer(backend));
        QList<QJsonObject> rows;
        bool done = status.status == 200 && status.data().size() == ids.size();
        for (const QJsonValue &row : status.data()) {
            const QString s = row.toObject().value(QStringLiteral("status")).toString();
            done = done && (s == QLatin1String("completed") || s == QLatin1String("failed") || s == QLatin1String("cancelled"));
            rows << row.toObject();
        }
        if (done)
            return rows;
        QTest::qWait(50);
    }
    return {};
}
} // namespace

class TestEmbeddedBackend : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startsOnLoopbackWithALocalProfile();
    void twoBackendsShareNothing();
    void writeGatesBelongToEachDatabase();
    void providerKeySetAtRuntime();
    void assistantChosenAtRuntime();
    void stopUnderLoadThenRestartFinishesEachOnce();
    void oneBackendPerFolderAndOthersAttach();
};

void TestEmbeddedBackend::startsOnLoopbackWithALocalProfile()
{
    QTemporaryDir dir;
    EmbeddedBackend backend(settingsIn(dir.path()));
    QString error;
    QVERIFY2(backend.start(&error), qPrintable(error));
    QVERIFY(backend.baseUrl().startsWith(QLatin1String("http://127.0.0.1:")));
    QVERIFY(!backend.baseUrl().endsWith(QLatin1String(":0")));
    TestClient client(backend.baseUrl());
    const Reply me = client.get(QStringLiteral("/api/bootstrap"), bearer(backend));
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("id")).toString(), backend.localUserId());
    // Nobody else gets in: no token, a wrong one, and no sign-up.
    QCOMPARE(client.get(QStringLiteral("/api/bootstrap")).status, 401);
    QCOMPARE(client.get(QStringLiteral("/api/bootstrap"), QStringLiteral("vesper-local-00")).status, 401);
    QCOMPARE(client.post(QStringLiteral("/auth/v1/signup"), QJsonObject{{QStringLiteral("email"), QStringLiteral("x@example.com")},
                                                                         {QStringLiteral("password"), QStringLiteral("correct horse battery")}})
                 .status,
             403);
    // A second start of the same folder keeps the same local profile, with a new token.
    const QString userId = backend.localUserId();
    const QByteArray firstToken = backend.accessToken();
    backend.stop();
    QVERIFY(!backend.isRunning());
    QVERIFY2(backend.start(&error), qPrintable(error));
    QCOMPARE(backend.localUserId(), userId);
    QVERIFY(backend.accessToken() != firstToken);
}

void TestEmbeddedBackend::twoBackendsShareNothing()
{
    QTemporaryDir dirA, dirB;
    // The same low limit on both. Signed-out requests are keyed by address ("ip:127.0.0.1"), the same
    // key on both: only stores owned by each backend keep A's use of it from counting at B. High
    // enough for the signed-in calls below, which count per user.
    constexpr int kLimit = 30;
    BackendSettings a = settingsIn(dirA.path());
    a.rateLimitPerMinute = kLimit;
    a.workers.breakerFailures = 1;
    a.workers.breakerCooldownSeconds = 600;
    a.providers.a1111Url = QStringLiteral("http://127.0.0.1:9"); // nothing listens: a transient failure opens A's breaker
    a.workers.maxAttempts = 1;
    BackendSettings b = settingsIn(dirB.path());
    b.rateLimitPerMinute = kLimit;
    b.providers.a1111Url = a.providers.a1111Url;
    EmbeddedBackend backendA(a), backendB(b);
    QString error;
    QVERIFY2(backendA.start(&error), qPrintable(error));
    QVERIFY2(backendB.start(&error), qPrintable(error));
    QVERIFY(backendA.baseUrl() != backendB.baseUrl());
    TestClient clientA(backendA.baseUrl()), clientB(backendB.baseUrl());

    // Each serves its own data.
    const QString sessionA = firstSession(clientA, backendA, QStringLiteral("only in A"));
    QVERIFY(!sessionA.isEmpty());
    const Reply listB = clientB.get(QStringLiteral("/api/projects/with-thumbnails"), bearer(backendB));
    QCOMPARE(listB.status, 200);
    for (const QJsonValue &p : listB.data())
        QVERIFY(p.toObject().value(QStringLiteral("name")).toString() != QLatin1String("only in A"));
    QCOMPARE(clientB.get(QStringLiteral("/api/sessions?projectId=x"), bearer(backendA)).status, 401); // A's token means nothing to B

    // Each has its own breakers: A's a1111 fails once and its breaker opens; B's stays closed.
    QVERIFY(modelEntry(clientA, backendA, QStringLiteral("a1111-sd")).value(QStringLiteral("available")).toBool());
    const Reply job = generate(clientA, backendA, sessionA, QStringLiteral("a1111-sd"));
    QCOMPARE(job.status, 202);
    const QList<QJsonObject> done = waitFinished(clientA, backendA, {job.json.value(QStringLiteral("id")).toString()});
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
    QVERIFY(!modelEntry(clientA, backendA, QStringLiteral("a1111-sd")).value(QStringLiteral("available")).toBool());
    QVERIFY(modelEntry(clientB, backendB, QStringLiteral("a1111-sd")).value(QStringLiteral("available")).toBool());

    // Each has its own rate limits: signed-out requests use up A's bucket of "ip:127.0.0.1" (until a
    // refusal; a token may refill meanwhile on a slow machine, hence the margin).
    int allowedA = 0;
    bool refusedA = false;
    while (!refusedA && allowedA < 2 * kLimit) {
        const int status = clientA.get(QStringLiteral("/healthz")).status;
        QVERIFY(status == 200 || status == 429);
        refusedA = status == 429;
        allowedA += status == 200 ? 1 : 0;
    }
    QVERIFY2(refusedA, qPrintable(QStringLiteral("A allowed %1 signed-out requests").arg(allowedA)));
    QVERIFY(allowedA >= kLimit);

    // Stopping one leaves the other serving, its metrics sources included: A's queue-depth gauge
    // goes, B's stays.
    backendA.stop();
    QVERIFY(clientA.get(QStringLiteral("/healthz")).status != 200);
    // B still allows its full count on the key A used up: the scrape below and kLimit - 1 more.
    const Reply metrics = clientB.get(QStringLiteral("/metrics"));
    QCOMPARE(metrics.status, 200);
    QVERIFY2(metrics.body.contains("\nvesper_queue_depth "), metrics.body.constData());
    for (int i = 1; i < kLimit; ++i)
        QCOMPARE(clientB.get(QStringLiteral("/healthz")).status, 200);
    // ...and no more: B's limit is as low as A's, and its own.
    bool refusedB = false;
    for (int i = 0; i < kLimit && !refusedB; ++i)
        refusedB = clientB.get(QStringLiteral("/healthz")).status == 429;
    QVERIFY(refusedB);
    QVERIFY(!firstSession(clientB, backendB, QStringLiteral("B goes on")).isEmpty());
}

void TestEmbeddedBackend::writeGatesBelongToEachDatabase()
{
    QTemporaryDir dirA, dirB;
    DbConfig configA;
    configA.sqlitePath = dirA.filePath(QStringLiteral("a.db"));
    DbConfig configB;
    configB.sqlitePath = dirB.filePath(QStringLiteral("b.db"));
    Database a(configA), b(configB);
    QVERIFY(&a.writeGate() != &b.writeGate());
    bool finishedWhileAHeld = false;
    std::future<QString> written;
    {
        const WriteGate heldByA(a); // a writer of A is inside its transaction
        written = std::async(std::launch::async, [&b]() -> QString {
            try {
                QSqlDatabase db = b.connection();
                Transaction tx(b, db, Transaction::WithoutRevs);
                QSqlQuery q(db);
                if (!q.exec(QStringLiteral("CREATE TABLE t (x INTEGER)")) || !q.exec(QStringLiteral("INSERT INTO t VALUES (1)")))
                    return QStringLiteral("write failed");
                tx.commit();
                return {};
            } catch (const std::exception &e) {
                return QString::fromUtf8(e.what());
            }
        });
        // No timing asserted: B's write either ends while A's gate is held, or it waits for that
        // gate, which is only let go once this wait has given up.
        finishedWhileAHeld = written.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
    }
    const QString failure = written.get();
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(finishedWhileAHeld, "B's write waited for A's write gate");
}

void TestEmbeddedBackend::providerKeySetAtRuntime()
{
    FakeGemini fake;
    QString error;
    QVERIFY2(fake.start(&error), qPrintable(error));
    fake.setScenario(FakeGemini::Scenario::Success);
    QTemporaryDir dir;
    BackendSettings settings = settingsIn(dir.path());
    settings.providers.geminiUrl = fake.baseUrl();
    settings.providers.pollMs = 50;
    EmbeddedBackend backend(settings);
    QVERIFY2(backend.start(&error), qPrintable(error));
    TestClient client(backend.baseUrl());
    const QString session = firstSession(client, backend, QStringLiteral("keys"));

    // No key: unavailable, named as such, and refused.
    QJsonObject gemini = modelEntry(client, backend, QStringLiteral("gemini-image"));
    QVERIFY(!gemini.value(QStringLiteral("available")).toBool());
    QVERIFY(gemini.value(QStringLiteral("description")).toString().contains(QLatin1String("GEMINI_API_KEY")));
    QCOMPARE(generate(client, backend, session, QStringLiteral("gemini-image")).status, 400);

    // The key typed into the app's settings: available at once, and the next job uses it.
    ProviderSettings withKey = backend.providerSettings();
    withKey.geminiKey = FakeGemini::key();
    backend.setProviderSettings(withKey);
    QVERIFY(modelEntry(client, backend, QStringLiteral("gemini-image")).value(QStringLiteral("available")).toBool());
    const Reply job = generate(client, backend, session, QStringLiteral("gemini-image"));
    QCOMPARE(job.status, 202);
    const QList<QJsonObject> done = waitFinished(client, backend, {job.json.value(QStringLiteral("id")).toString()});
    QCOMPARE(done.size(), 1);
    QCOMPARE(done.first().value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
    QCOMPARE(done.first().value(QStringLiteral("outputs")).toArray().size(), 1);
    const QList<FakeGemini::Call> calls = fake.calls();
    QVERIFY(!calls.isEmpty());
    for (const FakeGemini::Call &call : calls)
        QCOMPARE(call.apiKey, FakeGemini::key().toUtf8());

    // The key removed: unavailable again and refused again.
    ProviderSettings withoutKey = backend.providerSettings();
    withoutKey.geminiKey.clear();
    backend.setProviderSettings(withoutKey);
    QVERIFY(!modelEntry(client, backend, QStringLiteral("gemini-image")).value(QStringLiteral("available")).toBool());
    QCOMPARE(generate(client, backend, session, QStringLiteral("gemini-image")).status, 400);
}

void TestEmbeddedBackend::assistantChosenAtRuntime()
{
    FakeAnthropic fake;
    QString error;
    QVERIFY2(fake.start(&error), qPrintable(error));
    QTemporaryDir dir;
    EmbeddedBackend backend(settingsIn(dir.path()));
    QVERIFY2(backend.start(&error), qPrintable(error));
    TestClient client(backend.baseUrl());
    const QJsonObject chat{{QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                               {QStringLiteral("content"), QStringLiteral("Help")}}}},
                           {QStringLiteral("context"), QJsonObject{{QStringLiteral("currentPrompt"), QStringLiteral("a fox in snow")}}}};

    // The default: the offline coach, nobody called.
    QCOMPARE(client.post(QStringLiteral("/api/assistant/chat"), chat, bearer(backend)).status, 200);
    QVERIFY(fake.requests().isEmpty());

    // Anthropic chosen in the app's settings (its key from the keychain): the next chat asks it.
    ProviderSettings withAnthropic = backend.providerSettings();
    withAnthropic.assistant.adapter = QStringLiteral("anthropic");
    withAnthropic.assistant.anthropicKey = FakeAnthropic::key();
    withAnthropic.assistant.anthropicUrl = fake.baseUrl();
    backend.setProviderSettings(withAnthropic);
    const Reply answered = client.post(QStringLiteral("/api/assistant/chat"), chat, bearer(backend));
    QCOMPARE(answered.status, 200);
    QCOMPARE(answered.json.value(QStringLiteral("message")).toObject().value(QStringLiteral("content")).toString(),
             AssistantScript::standard().text());
    QCOMPARE(fake.requests().size(), 1);

    // Back to the coach: Anthropic is not asked again.
    ProviderSettings coach = backend.providerSettings();
    coach.assistant.adapter = QStringLiteral("coach");
    backend.setProviderSettings(coach);
    QCOMPARE(client.post(QStringLiteral("/api/assistant/chat"), chat, bearer(backend)).status, 200);
    QCOMPARE(fake.requests().size(), 1);
}

void TestEmbeddedBackend::stopUnderLoadThenRestartFinishesEachOnce()
{
    QTemporaryDir dir;
    BackendSettings settings = settingsIn(dir.path());
    settings.modelCosts.insert(QStringLiteral("sketch"), 1);
    settings.generateRateLimit = 0;
    settings.defaultCredits = 1000;
    QStringList ids;
    QString error;
    {
        EmbeddedBackend backend(settings);
        QVERIFY2(backend.start(&error), qPrintable(error));
        TestClient client(backend.baseUrl());
        const QString session = firstSession(client, backend, QStringLiteral("load"));
        for (int i = 0; i < 20; ++i) {
            const Reply job = generate(client, backend, session, QStringLiteral("sketch"), 4);
            QCOMPARE(job.status, 202);
            ids << job.json.value(QStringLiteral("id")).toString();
        }
        QTest::qWait(100); // the two workers are inside their first jobs
        QElapsedTimer timer;
        timer.start();
        backend.stop();
        const qint64 stopMs = timer.elapsed();
        qInfo("stop() with 20 jobs in flight took %lld ms", stopMs);
        QVERIFY2(stopMs < 2000, qPrintable(QStringLiteral("stop took %1 ms").arg(stopMs)));
    }
    // The WAL was checkpointed and removed when the last connection closed.
    QVERIFY(!QFile::exists(dir.path() + QStringLiteral("/vesper.db-wal")) || QFileInfo(dir.path() + QStringLiteral("/vesper.db-wal")).size() == 0);
    // The stop came with work in flight: jobs were left for the restart (else it proves nothing).
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("stopped"));
        db.setDatabaseName(dir.path() + QStringLiteral("/vesper.db"));
        QVERIFY(db.open());
        int jobsLeft = 0;
        int unfinished = 0;
        {
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("SELECT (SELECT COUNT(*) FROM jobs), (SELECT COUNT(*) FROM generations WHERE status <> 'completed')"))
                    && q.next());
            jobsLeft = q.value(0).toInt();
            unfinished = q.value(1).toInt();
        }
        db.close();
        qInfo("after stop(): %d jobs left, %d generations not completed", jobsLeft, unfinished);
        QVERIFY2(jobsLeft > 0, "every job had finished before stop(): nothing was in flight");
        QVERIFY(unfinished > 0);
    }
    QSqlDatabase::removeDatabase(QStringLiteral("stopped"));

    EmbeddedBackend again(settings);
    QVERIFY2(again.start(&error), qPrintable(error));
    TestClient client(again.baseUrl());
    const QList<QJsonObject> done = waitFinished(client, again, ids, 120000);
    QCOMPARE(done.size(), 20);
    for (const QJsonObject &g : done) {
        QCOMPARE(g.value(QStringLiteral("status")).toString(), QStringLiteral("completed"));
        QCOMPARE(g.value(QStringLiteral("outputs")).toArray().size(), 4);
    }
    again.stop();

    // Exactly once, read from the database itself: 80 outputs, no job left, and the ledger balances.
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(dir.path() + QStringLiteral("/vesper.db"));
    QVERIFY(db.open());
    {
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*), COUNT(DISTINCT generation_id) FROM outputs")) && q.next());
        QCOMPARE(q.value(0).toInt(), 80);
        QCOMPARE(q.value(1).toInt(), 20);
        QVERIFY(q.exec(QStringLiteral("SELECT COUNT(*) FROM jobs")) && q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QVERIFY(q.exec(QStringLiteral("SELECT p.credits, (SELECT SUM(amount) FROM credit_ledger l WHERE l.user_id = p.id) FROM profiles p "
                                      "WHERE p.email = 'local@vesper.invalid'")) && q.next());
        QCOMPARE(q.value(0).toLongLong(), 1000 - 80);
        QCOMPARE(q.value(1).toLongLong(), q.value(0).toLongLong());
    }
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
}

void TestEmbeddedBackend::oneBackendPerFolderAndOthersAttach()
{
    QTemporaryDir dir;
    QString error;
    QVERIFY(!EmbeddedBackend::attach(dir.path(), &error)); // nobody serves a fresh folder
    EmbeddedBackend first(settingsIn(dir.path()));
    QVERIFY2(first.start(&error), qPrintable(error));

    // A second backend on the same files is refused with a sentence naming the holder.
    EmbeddedBackend second(settingsIn(dir.path()));
    QVERIFY(!second.start(&error));
    QVERIFY2(error.contains(QLatin1String("is serving the library")), qPrintable(error));
    QVERIFY(!second.isRunning());

    // Another program attaches instead: same server, the local profile, a token that works.
    const auto attached = EmbeddedBackend::attach(dir.path(), &error);
    QVERIFY2(attached, qPrintable(error));
    QCOMPARE(attached->baseUrl, first.baseUrl());
    QCOMPARE(attached->localUserId, first.localUserId());
    TestClient client(attached->baseUrl);
    const Reply me = client.get(QStringLiteral("/api/bootstrap"), QString::fromLatin1(attached->accessToken));
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json.value(QStringLiteral("profile")).toObject().value(QStringLiteral("id")).toString(), first.localUserId());
    // The endpoint file holds no token.
    QFile endpoint(dir.path() + QStringLiteral("/backend.endpoint"));
    QVERIFY(endpoint.open(QIODevice::ReadOnly));
    const QByteArray published = endpoint.readAll();
    QVERIFY(!published.contains(attached->accessToken));
    QVERIFY(!published.contains(first.accessToken()));

    // Once the first stops, nobody serves the folder and the second may start.
    first.stop();
    QVERIFY(!EmbeddedBackend::attach(dir.path(), &error));
    QVERIFY2(second.start(&error), qPrintable(error));
}

QTEST_MAIN(TestEmbeddedBackend)
#include "tst_embeddedbackend.moc"
