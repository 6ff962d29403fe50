// SseParser against the WHATWG EventSource rules: one sample stream fed whole, then split at every
// byte position (and byte by byte) gives the same events, including splits inside a UTF-8
// character and between \r and \n; multi-line data, persistent ids, retry, comments, a BOM, an
// unterminated last event, and fields the rules say to ignore.
#include "common/net/sseparser.h"

#include <QTest>

using namespace vesper;

namespace {
// Every line ending, a UTF-8 multi-byte character, a comment, an id reset, retry.
const QByteArray kSample = QByteArray("\xEF\xBB\xBF")
    + ": heartbeat\r\n"
      "event: changes\r\n"
      "id: 41\r\n"
      "data: {\"a\":1,\r\n"
      "data:  \"b\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x8E\xA8\"}\r\n"
      "\r\n"
      "data:plain\n"
      "\n"
      "retry: 2500\r"
      "id: 42\r"
      "event: progress\r"
      "data: x\r"
      "\r"
      "retry: soon\n"
      "bogus: field\n"
      "data\n"
      "\n"
      "id\n"
      "data: after empty id\n"
      "\n"
      "id: 99\n"
      "data: never dispatched";

QList<SseMessage> parseWhole(const QByteArray &bytes)
{
    SseParser parser;
    return parser.feed(bytes);
}

QString describe(const QList<SseMessage> &events)
{
    QString out;
    for (const SseMessage &m : events)
        out += QStringLiteral("[%1|%2|%3]").arg(m.event, m.data, m.lastEventId);
    return out;
}
} // namespace

class TestSseParser : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void wholeSample()
    {
        SseParser parser;
        const QList<SseMessage> events = parser.feed(kSample);
        QCOMPARE(events.size(), 5);
        QCOMPARE(events[0].event, QStringLiteral("changes"));
        QCOMPARE(events[0].data, QString::fromUtf8("{\"a\":1,\n \"b\":\"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x8E\xA8\"}"));
        QCOMPARE(events[0].lastEventId, QStringLiteral("41"));
        QCOMPARE(events[1].event, QStringLiteral("message")); // the event name does not persist
        QCOMPARE(events[1].data, QStringLiteral("plain"));
        QCOMPARE(events[1].lastEventId, QStringLiteral("41")); // the id does
        QCOMPARE(events[2].event, QStringLiteral("progress"));
        QCOMPARE(events[2].data, QStringLiteral("x"));
        QCOMPARE(events[2].lastEventId, QStringLiteral("42"));
        QCOMPARE(events[3].data, QString()); // "data" with no colon: an empty line of data
        QCOMPARE(events[4].data, QStringLiteral("after empty id"));
        QCOMPARE(events[4].lastEventId, QString()); // "id" alone resets it
        QCOMPARE(parser.retryMs(), 2500);             // "retry: soon" ignored
        QCOMPARE(parser.comments(), 1);
        QCOMPARE(parser.lastEventId(), QString());    // id 99 never reached a blank line
    }

    void everySplitPointGivesTheSameEvents()
    {
        const QString expected = describe(parseWhole(kSample));
        for (qsizetype cut = 0; cut <= kSample.size(); ++cut) {
            SseParser parser;
            QList<SseMessage> events = parser.feed(QByteArrayView(kSample).first(cut));
            events += parser.feed(QByteArrayView(kSample).sliced(cut));
            QVERIFY2(describe(events) == expected, qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(describe(events))));
            QCOMPARE(parser.retryMs(), 2500);
        }
        for (qsizetype a = 0; a <= kSample.size(); a += 3) {
            for (qsizetype b = a; b <= kSample.size(); b += 5) {
                SseParser parser;
                QList<SseMessage> events = parser.feed(QByteArrayView(kSample).first(a));
                events += parser.feed(QByteArrayView(kSample).sliced(a, b - a));
                events += parser.feed(QByteArrayView(kSample).sliced(b));
                QVERIFY2(describe(events) == expected, qPrintable(QStringLiteral("cuts at %1,%2").arg(a).arg(b)));
            }
        }
        SseParser bytewise;
        QList<SseMessage> events;
        for (char c : kSample)
            events += bytewise.feed(QByteArrayView(&c, 1));
        QCOMPARE(describe(events), expected);
    }

    void crThenLfAcrossChunksIsOneLineEnd()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: a\r").isEmpty());
        QVERIFY(parser.feed("\n").isEmpty()); // the \n belongs to the \r: not a blank line
        const QList<SseMessage> events = parser.feed("\r\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QStringLiteral("a"));
    }

    void bomOnlyAtTheStart()
    {
        SseParser parser;
        QVERIFY(parser.feed("\xEF").isEmpty());
        QVERIFY(parser.feed("\xBB").isEmpty());
        const QList<SseMessage> events = parser.feed("\xBF" "data: x\n\n\xEF\xBB\xBF" "data: y\n\n");
        QCOMPARE(events.size(), 1); // a second BOM is part of the field name: unknown, ignored
        QCOMPARE(events[0].data, QStringLiteral("x"));
    }

    void newConnectionDropsHalfAnEventKeepsTheId()
    {
        SseParser parser;
        parser.feed("id: 7\ndata: done\n\nid: 8\ndata: half");
        QCOMPARE(parser.lastEventId(), QStringLiteral("7"));
        parser.resetConnection();
        const QList<SseMessage> events = parser.feed("data: fresh\n\n");
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].data, QStringLiteral("fresh"));
        QCOMPARE(events[0].lastEventId, QStringLiteral("7"));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
