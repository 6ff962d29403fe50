// WalCheckpointer on a real SQLite file: under a steady stream of small commits the WAL keeps
// starting over instead of growing, a quiet database is checkpointed in the background, and a
// connection that outlives its checkpointer still commits; after a write burst, a quiet database's
// WAL file shrinks back to nothing (issue 13: a 477 MB WAL that never shrank).
#include "backend/db/walcheckpointer.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QMutexLocker>
#include <QRecursiveMutex>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace vesper::backend;

namespace {
/// The write gate a Database would own (Database::writeGate): one for the whole test file.
QRecursiveMutex s_writeGate;

QSqlDatabase openWal(const QString &path, const QString &name)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    if (!db.open())
        qFatal("cannot open %s", qPrintable(path));
    QSqlQuery q(db);
    for (const char *sql : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL",
                            "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)",
                            "CREATE INDEX IF NOT EXISTS t_payload ON t (payload)"}) {
        if (!q.exec(QString::fromLatin1(sql)))
            qFatal("%s: %s", sql, qPrintable(q.lastError().text()));
    }
    return db;
}

/// One small write transaction through the write gate, as every Transaction commits.
void commitOne(const QSqlDatabase &db, int i)
{
    QMutexLocker gate(&s_writeGate);
    QSqlQuery q(db);
    q.prepare(QStringLiteral("INSERT INTO t (payload) VALUES (?)"));
    q.addBindValue(QStringLiteral("row %1 of a steady stream of small commits").arg(i));
    if (!q.exec())
        qFatal("insert: %s", qPrintable(q.lastError().text()));
}

qint64 walBytes(const QString &path)
{
    return QFileInfo(path + QStringLiteral("-wal")).size();
}
} // namespace

class TestWalCheckpointer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void walStartsOverUnderSteadyCommits();
    void quietDatabaseIsCheckpointed();
    void connectionOutlivesCheckpointer();
    void walShrinksWhenQuietAfterBurst();
};

void TestWalCheckpointer::walStartsOverUnderSteadyCommits()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("steady.db"));
    {
        QSqlDatabase db = openWal(path, QStringLiteral("steady"));
        WalCheckpointer checkpointer(path, s_writeGate);
        const std::shared_ptr<void> hook = checkpointer.attach(db);
        QVERIFY(hook);
        // 40,000 commits of three or four pages each: without a WAL that starts over this is
        // more than 150,000 frames (over 600 MB of WAL); SQLite's own auto-checkpoint is off
        // on a hooked connection, so only the checkpointer can keep it small.
        constexpr int kCommits = 40000;
        qint64 largest = 0;
        for (int i = 0; i < kCommits; ++i) {
            commitOne(db, i);
            if (i % 500 == 0)
                largest = std::max(largest, walBytes(path));
        }
        const WalCheckpointer::Counts counts = checkpointer.counts();
        qInfo("largest WAL %lld bytes (%d pages reported), %lld passes, %lld gated",
              largest, counts.largestWal, counts.passes, counts.gatedPasses);
        QVERIFY2(counts.largestWal < 60000, qPrintable(QString::number(counts.largestWal)));
        QVERIFY2(largest < 240LL * 1024 * 1024, qPrintable(QString::number(largest)));
        QVERIFY(counts.passes > 0);

        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM t")) && q.next());
        QCOMPARE(q.value(0).toInt(), kCommits);
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("steady"));
}

void TestWalCheckpointer::quietDatabaseIsCheckpointed()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("quiet.db"));
    {
        QSqlDatabase db = openWal(path, QStringLiteral("quiet"));
        WalCheckpointer checkpointer(path, s_writeGate);
        const std::shared_ptr<void> hook = checkpointer.attach(db);
        for (int i = 0; i < 200; ++i)
            commitOne(db, i); // well under the size that wakes it: only the quiet round runs
        const int before = checkpointer.counts().walPages;
        QVERIFY2(before > 200, qPrintable(QString::number(before)));
        // Within about a second of quiet the WAL is wholly checkpointed, so the next commit
        // starts it over from its first frame.
        QTRY_VERIFY_WITH_TIMEOUT(checkpointer.counts().passes > 0, 5000);
        commitOne(db, 200);
        QVERIFY2(checkpointer.counts().walPages < 10, qPrintable(QString::number(checkpointer.counts().walPages)));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("quiet"));
}

void TestWalCheckpointer::connectionOutlivesCheckpointer()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("outlives.db"));
    {
        QSqlDatabase db = openWal(path, QStringLiteral("outlives"));
        std::shared_ptr<void> hook;
        {
            WalCheckpointer checkpointer(path, s_writeGate);
            hook = checkpointer.attach(db);
            commitOne(db, 0);
        }
        for (int i = 1; i < 3000; ++i)
            commitOne(db, i); // the hook still runs, on state the checkpointer left behind
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM t")) && q.next());
        QCOMPARE(q.value(0).toInt(), 3000);
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("outlives"));
}

void TestWalCheckpointer::walShrinksWhenQuietAfterBurst()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("burst.db"));
    {
        QSqlDatabase db = openWal(path, QStringLiteral("burst"));
        WalCheckpointer checkpointer(path, s_writeGate);
        const std::shared_ptr<void> hook = checkpointer.attach(db);
        QVERIFY(hook);
        // A burst: one large transaction (a bulk import, say) and a run of small commits after it.
        {
            QMutexLocker gate(&s_writeGate);
            QVERIFY(db.transaction());
            QSqlQuery q(db);
            q.prepare(QStringLiteral("INSERT INTO t (payload) VALUES (?)"));
            const QString payload(2000, QLatin1Char('x'));
            for (int i = 0; i < 15000; ++i) {
                q.addBindValue(QString(payload + QString::number(i)));
                QVERIFY(q.exec());
            }
            QVERIFY(db.commit());
        }
        for (int i = 0; i < 500; ++i)
            commitOne(db, i);
        const qint64 peak = walBytes(path);
        QVERIFY2(peak > 32LL * 1024 * 1024, qPrintable(QString::number(peak)));
        // Quiet now: within a few seconds the WAL file is back to a small size on disk.
        constexpr qint64 kBound = 4LL * 1024 * 1024;
        QTRY_VERIFY2_WITH_TIMEOUT(walBytes(path) < kBound, qPrintable(QStringLiteral("WAL still %1 bytes (peak %2)").arg(walBytes(path)).arg(peak)),
                                  10000);
        // And the database is whole, and still takes writes.
        commitOne(db, 500);
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM t")) && q.next());
        QCOMPARE(q.value(0).toInt(), 15501);
        QVERIFY(q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("ok"));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("burst"));
}

QTEST_GUILESS_MAIN(TestWalCheckpointer)
#include "tst_walcheckpointer.moc"
