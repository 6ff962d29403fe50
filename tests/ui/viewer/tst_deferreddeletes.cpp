// DeferredDeletes: a scheduled delete commits once when its grace period ends, an undo within it
// cancels it for good, undoLast takes the newest, and commitAll (on close, or destruction) commits
// what is still waiting, oldest first.
#include "ui/viewer/deferreddeletes.h"

#include <QSignalSpy>
#include <QTest>

using namespace vesper::ui;

class TestDeferredDeletes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void commitsAfterTheGracePeriod()
    {
        DeferredDeletes deletes;
        deletes.setGracePeriodMs(100);
        int commits = 0;
        deletes.schedule(QStringLiteral("a"), [&] { ++commits; });
        QVERIFY(deletes.isPending(QStringLiteral("a")));
        QTest::qWait(30);
        QCOMPARE(commits, 0); // still within the period
        QTRY_COMPARE_WITH_TIMEOUT(commits, 1, 2000);
        QVERIFY(!deletes.isPending(QStringLiteral("a")));
        QTest::qWait(150);
        QCOMPARE(commits, 1); // once
        QVERIFY(!deletes.undo(QStringLiteral("a"))); // too late
    }

    void undoCancels()
    {
        DeferredDeletes deletes;
        deletes.setGracePeriodMs(80);
        QSignalSpy restored(&deletes, &DeferredDeletes::restored);
        QStringList committed;
        deletes.schedule(QStringLiteral("a"), [&] { committed << QStringLiteral("a"); });
        deletes.schedule(QStringLiteral("b"), [&] { committed << QStringLiteral("b"); });
        deletes.schedule(QStringLiteral("c"), [&] { committed << QStringLiteral("c"); });
        QCOMPARE(deletes.undoLast(), QStringLiteral("c"));
        QVERIFY(deletes.undo(QStringLiteral("a")));
        QVERIFY(!deletes.undo(QStringLiteral("a")));
        QCOMPARE(restored.size(), 2);
        QCOMPARE(deletes.pendingIds(), QSet<QString>{QStringLiteral("b")});
        QTest::qWait(250);
        QCOMPARE(committed, QStringList{QStringLiteral("b")});
        QCOMPARE(deletes.undoLast(), QString());
    }

    void commitAllOnClose()
    {
        QStringList committed;
        {
            DeferredDeletes deletes;
            deletes.setGracePeriodMs(60000);
            deletes.schedule(QStringLiteral("a"), [&] { committed << QStringLiteral("a"); });
            deletes.schedule(QStringLiteral("b"), [&] { committed << QStringLiteral("b"); });
            QSignalSpy done(&deletes, &DeferredDeletes::committed);
            deletes.commitAll();
            QCOMPARE(committed, (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
            QCOMPARE(done.size(), 2);
            QVERIFY(deletes.pendingIds().isEmpty());
            deletes.schedule(QStringLiteral("c"), [&] { committed << QStringLiteral("c"); });
        } // destroyed with c waiting: committed, not lost
        QCOMPARE(committed.size(), 3);
        QCOMPARE(committed.last(), QStringLiteral("c"));
    }

    void rescheduleReplaces()
    {
        DeferredDeletes deletes;
        deletes.setGracePeriodMs(60000);
        int first = 0, second = 0;
        deletes.schedule(QStringLiteral("a"), [&] { ++first; });
        deletes.schedule(QStringLiteral("a"), [&] { ++second; });
        deletes.commitAll();
        QCOMPARE(first, 0);
        QCOMPARE(second, 1);
    }
};

QTEST_MAIN(TestDeferredDeletes)
#include "tst_deferreddeletes.moc"
