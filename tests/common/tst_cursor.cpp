// Cursors and UUIDv7: round trips, ordering, and garbage refused.
#include "common/clock.h"
#include "common/uuid.h"
#include "domain/cursor.h"

#include <QTest>
#include <ctime>

using namespace vesper;

class TestCursor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip()
    {
        const Cursor cursor{1795000000123456, newUuidV7()};
        const auto decoded = Cursor::decode(cursor.encode());
        QVERIFY(decoded.has_value());
        QCOMPARE(decoded->timeMicros, cursor.timeMicros);
        QCOMPARE(decoded->id, cursor.id);
    }
    void garbageIsRefused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("not base64") << QStringLiteral("!!!***");
        QTest::newRow("sql") << QStringLiteral("' OR 1=1 --");
        QTest::newRow("wrong version") << QString::fromLatin1(QByteArray("v2:1:01a20176-b2e5-7000-8f7b-dfa2482e21f3").toBase64(QByteArray::Base64UrlEncoding));
        QTest::newRow("bad id") << QString::fromLatin1(QByteArray("v1:1:../../etc/passwd").toBase64(QByteArray::Base64UrlEncoding));
        QTest::newRow("negative time") << QString::fromLatin1(QByteArray("v1:-5:01a20176-b2e5-7000-8f7b-dfa2482e21f3").toBase64(QByteArray::Base64UrlEncoding));
        QTest::newRow("huge") << QString(500, QLatin1Char('A'));
    }
    void garbageIsRefused()
    {
        QFETCH(QString, text);
        QVERIFY(!Cursor::decode(text).has_value());
    }
    void uuidsAreOrderedAndValid()
    {
        QString previous;
        for (int i = 0; i < 5000; ++i) {
            const QString id = newUuidV7();
            QVERIFY2(isUuid(id), qPrintable(id));
            QCOMPARE(id.at(14), QLatin1Char('7'));
            QVERIFY2(id > previous, qPrintable(id + QStringLiteral(" <= ") + previous));
            previous = id;
        }
    }
    void timeFormatKeepsMicroseconds()
    {
        const qint64 t = 1795000000123456;
        QCOMPARE(formatTime(t), QStringLiteral("2026-11-18T11:06:40.123456Z"));
        QCOMPARE(parseTime(formatTime(t)), t);
        QCOMPARE(parseTime(QStringLiteral("yesterday")), qint64(-1));
    }
    void utcTimeInTheLocalDstGapParses()
    {
        // 02:30 on 2026-03-29 does not exist on a Berlin clock; as a UTC time it is fine.
        const QByteArray before = qgetenv("TZ");
        qputenv("TZ", "Europe/Berlin");
        tzset();
        const qint64 t = parseTime(QStringLiteral("2026-03-29T02:30:00.000001Z"));
        qputenv("TZ", before);
        tzset();
        QCOMPARE(t, qint64(1774751400000001));
        QCOMPARE(parseTime(QStringLiteral("2026-03-29 02:30:00Z")), qint64(-1));
    }
};

QTEST_GUILESS_MAIN(TestCursor)
#include "tst_cursor.moc"
