// How many PostgreSQL connections one instance holds, counted in pg_stat_activity (issue 14): under
// a small load of every kind (requests on all HTTP threads, sign-ins on the costly pool, generations
// on the workers, woken change streams) never more than the figure README's "Connection pool sizing"
// gives; and 30 open change streams, idle or just woken, hold none of their own.
#include "apifixtures.h"
#include "generationfixture.h"
#include "replycheck.h"
#include "ssereader.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace vesper::test;

namespace {
constexpr int kThreads = 4;
constexpr int kWorkers = 2;
constexpr int kStreamReaders = 2; // ChangeStreamSettings::readers

/// README's figure: 2 per HTTP thread (its own and the rate-limit checks'), 1 per worker, 1 for
/// start-up and the sweep, 1 LISTEN, 1 for the change-stream hub's thread, up to 2 stream readers.
constexpr int kDocumented = 2 * kThreads + kWorkers + 3 + kStreamReaders;

QHash<QString, QString> env(int streamsPerUser)
{
    return {{QStringLiteral("VESPER_THREADS"), QString::number(kThreads)},
            {QStringLiteral("VESPER_WORKERS"), QString::number(kWorkers)},
            {QStringLiteral("VESPER_COSTLY_THREADS"), QStringLiteral("2")},
            {QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("100000")}, // on (checked), never reached
            {QStringLiteral("VESPER_GENERATE_RATE_LIMIT"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_DEFAULT_CREDITS"), QStringLiteral("100000")},
            {QStringLiteral("VESPER_STREAMS_PER_USER"), QString::number(streamsPerUser)}};
}

/// Client connections to the server's database, less the test's own.
int serverConnections(TestData &data)
{
    return data.scalar(QStringLiteral("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                                      "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")).toInt();
}

/// `clients` threads each sending `rounds` of a read, a generate, a sign-in and a feed page.
void load(GenerationFixture &f, int clients, int rounds, std::atomic<int> *failures)
{
    QList<QThread *> threads;
    for (int c = 0; c < clients; ++c) {
        threads << QThread::create([&f, rounds, failures] {
            TestClient client(f.server->baseUrl());
            for (int r = 0; r < rounds; ++r) {
                const Reply list = client.get(QStringLiteral("/api/projects/with-thumbnails"), f.owner.accessToken);
                const Reply generate = client.post(QStringLiteral("/api/generate"), generateBody(f.sessionId, newClientId()),
                                                   f.owner.accessToken);
                const Reply signIn = client.post(QStringLiteral("/auth/v1/token?grant_type=password"),
                                                 QJsonObject{{QStringLiteral("email"), f.owner.email},
                                                             {QStringLiteral("password"), f.owner.password}});
                const Reply feed = client.get(QStringLiteral("/api/changes?since=0"), f.owner.accessToken);
                if (list.status != 200 || generate.status != 202 || signIn.status != 200 || feed.status != 200)
                    failures->fetch_add(1);
            }
        });
        threads.last()->start();
    }
    for (QThread *thread : std::as_const(threads)) {
        thread->wait();
        delete thread;
    }
}
} // namespace

class TestApiDbConnections : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void withinTheDocumentedFigureUnderLoad();
    void idleStreamsHoldNoConnection();
};

void TestApiDbConnections::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    if (TestServer::dialect() != QLatin1String("postgres"))
        QSKIP("connections are counted on PostgreSQL (SQLite has no server to count them)");
}

void TestApiDbConnections::withinTheDocumentedFigureUnderLoad()
{
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start(env(4), &error), qPrintable(error));
    // Streams woken by every write: the hub's thread and its readers read feed pages.
    std::vector<std::unique_ptr<SseReader>> streams;
    for (int i = 0; i < 3; ++i) {
        streams.push_back(std::make_unique<SseReader>());
        QVERIFY(streams.back()->open(f.server->port(), f.owner.accessToken, "/api/changes/stream"));
    }
    std::atomic<int> failures{0};
    std::atomic<bool> done{false};
    QThread *driver = QThread::create([&] {
        load(f, 8, 15, &failures);
        done = true;
    });
    driver->start();
    int most = 0;
    int samples = 0;
    while (!done) {
        most = std::max(most, serverConnections(*f.data));
        ++samples;
        for (auto &stream : streams)
            stream->pump(5); // keep reading, so the streams are live readers
    }
    driver->wait();
    delete driver;
    QCOMPARE(failures.load(), 0);
    // The generations run on after the requests: count while the workers finish them.
    QDeadlineTimer settle(30000);
    while (!settle.hasExpired()
           && f.data->scalar(QStringLiteral("SELECT COUNT(*) FROM generations WHERE status IN ('queued', 'processing')")).toInt() > 0) {
        most = std::max(most, serverConnections(*f.data));
        QTest::qWait(20);
    }
    most = std::max(most, serverConnections(*f.data));
    qInfo("most connections seen: %d in %d samples (documented at most %d)", most, samples, kDocumented);
    QVERIFY2(most >= 3, "the count saw no connections: is it counting the right database?"); // start-up, LISTEN, a thread
    QVERIFY2(most <= kDocumented, qPrintable(QStringLiteral("%1 connections, more than the documented %2").arg(most).arg(kDocumented)));
}

void TestApiDbConnections::idleStreamsHoldNoConnection()
{
    constexpr int kStreams = 30;
    GenerationFixture f;
    QString error;
    QVERIFY2(f.start(env(kStreams + 1), &error), qPrintable(error));
    std::atomic<int> failures{0};
    load(f, 8, 3, &failures); // every HTTP thread most likely has its connections now
    QCOMPARE(failures.load(), 0);
    const int before = serverConnections(*f.data);

    std::vector<std::unique_ptr<SseReader>> streams;
    for (int i = 0; i < kStreams; ++i) {
        streams.push_back(std::make_unique<SseReader>());
        QVERIFY2(streams.back()->open(f.server->port(), f.owner.accessToken, "/api/changes/stream"), streams.back()->head().constData());
    }
    const QString project = createProject(*f.client, f.owner, QStringLiteral("told to thirty"), false);
    QVERIFY(!project.isEmpty());
    for (auto &stream : streams) {
        QVERIFY(stream->waitFor([&](const SseTestEvent &e) { return e.event == "changes" && e.data.contains(project.toUtf8()); },
                                10000));
    }
    const int woken = serverConnections(*f.data);
    for (auto &stream : streams)
        stream->pump(30); // idle: nothing to tell
    const int idle = serverConnections(*f.data);
    qInfo("connections: %d before %d streams, %d after one write reached them all, %d idle", before, kStreams, woken, idle);
    // A stream that held a connection would add 30; the most that may appear is what the HTTP
    // threads had not opened yet and the stream readers (which end after 10 s idle).
    const int slack = 2 * kThreads + kStreamReaders;
    QVERIFY2(woken - before <= slack && idle - before <= slack, qPrintable(QStringLiteral("%1 -> %2 / %3").arg(before).arg(woken).arg(idle)));
    QVERIFY(woken <= kDocumented && idle <= kDocumented);
}

QTEST_GUILESS_MAIN(TestApiDbConnections)
#include "tst_api_dbconnections.moc"
