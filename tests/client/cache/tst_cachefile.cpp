// CacheDatabase's file safety: a damaged cache (garbage header, or damaged pages that quick_check
// finds) is moved aside and rebuilt; one another process has open is never touched. The other
// process is this binary run as `tst_cachefile --hold-cache DIR` (it opens the cache and waits).
#include "synthfeed.h"

#include "client/cache/cachedatabase.h"
#include "client/cache/cachestore.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <cstdio>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
// Fills a cache at dir with enough rows to span many pages; false on failure.
bool fill(const QString &dir)
{
    CacheDatabase db(dir);
    QString error;
    if (!db.open(&error))
        return false;
    CacheStore store(db);
    const Project p = synthProject(QStringLiteral("P"), 1);
    const Session s = synthSession(p.id, QStringLiteral("S"), 1);
    QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()), upsertChange(2, QStringLiteral("session"), s.toJson())};
    for (int i = 0; i < 400; ++i)
        page << upsertChange(3 + i, QStringLiteral("generation"), synthGeneration(s.id, QStringLiteral("row %1 of many").arg(i), i).toJson());
    if (!store.applyChangesPage(page, QStringLiteral("500"), nullptr, &error))
        return false;
    QSqlQuery(db.connection()).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    return true;
}

// Overwrites the file from offset on with garbage (offset 0 ruins the header too).
bool damage(const QString &path, qint64 offset)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadWrite))
        return false;
    const qint64 size = file.size();
    file.seek(offset);
    QByteArray junk(qMax<qint64>(size - offset, 4096), '\0');
    for (qsizetype i = 0; i < junk.size(); ++i)
        junk[i] = char((i * 131 + 17) & 0xff);
    return file.write(junk) == junk.size();
}

QByteArray hashOf(const QString &path)
{
    QFile file(path);
    file.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(file.readAll(), QCryptographicHash::Sha256);
}

int holdCache(const QString &dir)
{
    CacheDatabase db(dir);
    QString error;
    if (!db.open(&error)) {
        std::fprintf(stderr, "hold: %s\n", qPrintable(error));
        return 1;
    }
    std::printf("ready\n");
    std::fflush(stdout);
    QThread::sleep(120);
    return 0;
}
} // namespace

class TestCacheFile : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void garbageFileIsRebuilt()
    {
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        QVERIFY(damage(path, 0));
        CacheDatabase db(dir.path());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QVERIFY(db.wasRebuilt());
        QVERIFY(QFile::exists(db.brokenPath()));
        CacheStore store(db);
        QCOMPARE(store.syncPosition(), QStringLiteral("0"));
        QCOMPARE(store.counts().generations, 0);
        QVERIFY(db.quickCheck(&error));
    }

    void damagedPagesAreRebuilt()
    {
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        QVERIFY(QFileInfo(path).size() > 8 * 4096);
        QVERIFY(damage(path, 4 * 4096)); // the header survives; quick_check finds the rest
        CacheDatabase db(dir.path());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QVERIFY(db.wasRebuilt());
        QCOMPARE(CacheStore(db).counts().generations, 0);
    }

    void noRebuildOnAFullDisk()
    {
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        QVERIFY(damage(path, 4 * 4096));
        const QByteArray before = hashOf(path);
        CacheDatabase db(dir.path());
        db.setMinFreeBytesForRebuild(qint64(1) << 60); // more than any disk has free
        QString error;
        QVERIFY(!db.open(&error));
        QVERIFY2(error.contains(QLatin1String("MiB free")), qPrintable(error));
        QCOMPARE(hashOf(path), before);
        QVERIFY(!QFile::exists(db.brokenPath()));
    }

    void healthyFileIsKept()
    {
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        CacheDatabase db(dir.path());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QVERIFY(!db.wasRebuilt());
        QCOMPARE(CacheStore(db).counts().generations, 400);
        QCOMPARE(CacheStore(db).syncPosition(), QStringLiteral("500"));
    }

    void fileAnotherProcessHoldsIsNotTouched()
    {
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        QProcess holder;
        holder.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--hold-cache"), dir.path()});
        QVERIFY(holder.waitForStarted());
        QVERIFY(holder.waitForReadyRead(20000));
        QCOMPARE(holder.readLine().trimmed(), QByteArray("ready"));
        QVERIFY(damage(path, 4 * 4096));
        const QByteArray before = hashOf(path);
        {
            CacheDatabase db(dir.path());
            QString error;
            QVERIFY(!db.open(&error));
            QVERIFY2(error.contains(QLatin1String("damaged")) && error.contains(QLatin1String("another")), qPrintable(error));
            QVERIFY(QFile::exists(path));
            QCOMPARE(hashOf(path), before);
            QVERIFY(!QFile::exists(db.brokenPath()));
        }
        holder.kill();
        holder.waitForFinished();
        CacheDatabase db(dir.path());
        QString error;
        QVERIFY2(db.open(&error), qPrintable(error));
        QVERIFY(db.wasRebuilt());
    }

    void sqliteLockAloneIsEnough()
    {
        // A process holding only SQLite's own lock (not a CacheDatabase) protects the file too.
        QTemporaryDir dir;
        QVERIFY(fill(dir.path()));
        const QString path = dir.filePath(QStringLiteral("cache.sqlite"));
        QProcess holder;
        holder.start(QStringLiteral("sqlite3"), {path});
        if (!holder.waitForStarted())
            QSKIP("the sqlite3 shell is not installed");
        holder.write("BEGIN IMMEDIATE;\nSELECT 'ready';\n");
        QVERIFY(holder.waitForReadyRead(20000));
        QVERIFY(damage(path, 4 * 4096));
        CacheDatabase db(dir.path());
        QString error;
        QVERIFY(!db.open(&error));
        QVERIFY2(error.contains(QLatin1String("another")) || error.contains(QLatin1String("locked")), qPrintable(error));
        QVERIFY(QFile::exists(path));
        holder.kill();
        holder.waitForFinished();
    }
};

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--hold-cache") == 0) {
        QCoreApplication app(argc, argv);
        return holdCache(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    TestCacheFile test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_cachefile.moc"
