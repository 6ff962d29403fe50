// Held bodies (issue 13, item 2), at test scale: bodies held in memory draw on one budget across all
// connections and past it get 503 with Retry-After (resident memory stays bounded); what a client
// held comes back when it leaves mid-body; uploads are spooled to a file, not memory, under a budget
// of their own; signed-out routes take only small bodies. Full size: tests/bench/attack_slowclients.sh.
#include "heldsockets.h"
#include "rawhttp.h"
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTest>

using namespace vesper::test;

namespace {
constexpr qint64 MiB = 1 << 20;

/// Bytes the server process holds open in files under `dir` (spooled bodies are unnamed temporary
/// files on Linux, so they are found through the process's descriptors, not the folder).
qint64 spooledBytes(qint64 pid, const QString &dir, int *files)
{
    qint64 total = 0;
    *files = 0;
    const QString fds = QStringLiteral("/proc/%1/fd").arg(pid);
    for (const QString &fd : QDir(fds).entryList(QDir::NoDotAndDotDot | QDir::AllEntries | QDir::System)) {
        const QFileInfo link(fds + QLatin1Char('/') + fd);
        if (!link.symLinkTarget().startsWith(dir))
            continue;
        total += link.size();
        ++*files;
    }
    return total;
}

/// Waits up to 10 s for `condition`.
template <typename F>
bool eventually(F condition)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > 10000)
            return false;
        QTest::qWait(100);
    }
    return true;
}
} // namespace

class TestApiBodyBudget : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void signedOutBodiesAreSmall();
    void heldBodiesPastTheBudgetGet503();
    void uploadsAreSpooledToDiskUnderTheirOwnBudget();
};

void TestApiBodyBudget::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
}

void TestApiBodyBudget::signedOutBodiesAreSmall()
{
    TestServer server;
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    // A sign-in is a few hundred bytes: 20 KB to /auth/v1/token is refused from its head, unread.
    const QByteArray padding(20000, ' ');
    const QByteArray body = R"({"email":"a@b.c","password":"x")" + padding + "}";
    const RawReply big = rawExchange(server.port(), requestHead("POST", "/auth/v1/token?grant_type=password", {}, body.size()), body, 5000);
    QVERIFY2(big.status == 413, qPrintable(describe(big)));
    const QByteArray small = R"({"email":"a@b.c","password":"x"})";
    const RawReply normal = rawExchange(server.port(), requestHead("POST", "/auth/v1/token?grant_type=password", {}, small.size()), small, 5000);
    QVERIFY2(normal.status == 400, qPrintable(describe(normal)));
}

void TestApiBodyBudget::heldBodiesPastTheBudgetGet503()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_BODY_MEMORY_BUDGET"), QString::number(4 * MiB));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("held-bodies@example.com"));
    QVERIFY(!user.id.isEmpty());
    const qint64 before = residentBytes(server.pid());
    // 16 signed-in clients each send all but the last byte of a 1,000,000-byte JSON body and stop:
    // about four fit the 4 MiB budget, the rest are told to come back later.
    const qint64 size = 1000000;
    const QByteArray almost(size - 1, ' ');
    HeldSockets held;
    for (int i = 0; i < 16; ++i)
        QVERIFY(held.open("127.0.0.1", server.port(), requestHead("POST", "/api/projects", user.accessToken, size) + almost));
    QVERIFY(eventually([&] { return held.statuses().count(503) >= 12; }));
    const QList<int> statuses = held.statuses();
    QCOMPARE(statuses.count(503), 12);
    QCOMPARE(statuses.count(0), 4); // still being received
    for (int i = 0; i < held.count(); ++i) {
        if (statuses[i] == 503)
            QVERIFY2(held.received(i).toLower().contains("retry-after:"), held.received(i).constData());
    }
    const qint64 during = residentBytes(server.pid());
    QVERIFY2(during - before < 24 * MiB, qPrintable(QStringLiteral("resident memory grew by %1 MiB").arg((during - before) / MiB)));
    // The clients leave mid-body: their share of the budget comes back, and a large body fits again.
    held.closeAll();
    const QByteArray body = R"({"name":"after")" + QByteArray(900000, ' ') + "}";
    QVERIFY(eventually([&] {
        return rawExchange(server.port(), requestHead("POST", "/api/projects", user.accessToken, body.size()), body, 5000).status == 201;
    }));
}

void TestApiBodyBudget::uploadsAreSpooledToDiskUnderTheirOwnBudget()
{
    TestServer server;
    server.setEnv(QStringLiteral("VESPER_BODY_MEMORY_BUDGET"), QString::number(1 * MiB));
    server.setEnv(QStringLiteral("VESPER_UPLOAD_SPOOL_BUDGET"), QString::number(20 * MiB));
    QString error;
    QVERIFY2(server.start(&error), qPrintable(error));
    TestClient client(server.baseUrl());
    const TestUser user = client.signUp(QStringLiteral("spooled@example.com"));
    QVERIFY(!user.id.isEmpty());
    const QString spool = server.dataDir() + QStringLiteral("/incoming");
    const qint64 before = residentBytes(server.pid());
    // Two 8 MiB uploads held one byte short: on disk, not in memory (the memory budget is 1 MiB).
    const qint64 size = 8 * MiB;
    const QByteArray almost(size - 1, 'x');
    const QByteArray head = "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.accessToken.toLatin1()
                            + "\r\nContent-Type: image/png\r\nContent-Length: " + QByteArray::number(size) + "\r\n\r\n";
    HeldSockets held;
    for (int i = 0; i < 2; ++i)
        QVERIFY(held.open("127.0.0.1", server.port(), head + almost));
    int files = 0;
    qint64 spooled = 0;
    // Written as it arrives (a write buffer's worth may still be in flight).
    const bool onDisk = eventually([&] { return (spooled = spooledBytes(server.pid(), spool, &files)) >= 2 * (size - 64 * 1024); });
    QVERIFY2(onDisk, qPrintable(QStringLiteral("%1 bytes in %2 files spooled").arg(spooled).arg(files)));
    QCOMPARE(files, 2);
    QCOMPARE(held.statuses(), QList<int>({0, 0}));
    const qint64 during = residentBytes(server.pid());
    QVERIFY2(during - before < 10 * MiB, qPrintable(QStringLiteral("resident memory grew by %1 MiB").arg((during - before) / MiB)));
    // A third would pass the 20 MiB spool budget: 503 from its head.
    const RawReply third = rawExchange(server.port(), head, {}, 5000);
    QVERIFY2(third.status == 503 && third.head.toLower().contains("retry-after:"), qPrintable(describe(third)));
    // Leaving mid-body removes the spooled files.
    held.closeAll();
    QVERIFY(eventually([&] { return spooledBytes(server.pid(), spool, &files) == 0 && files == 0; }));
}

QTEST_GUILESS_MAIN(TestApiBodyBudget)
#include "tst_api_bodybudget.moc"
