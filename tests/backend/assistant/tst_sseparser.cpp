// The assistant's incremental SSE reader and the fenced-block fallback, fed in every possible cut:
// one byte at a time, inside UTF-8 characters, between CR and LF.
#include "backend/assistant/fencedsuggestions.h"
#include "common/net/sseparser.h"

#include <QTest>

using namespace vesper;
using namespace vesper::backend;

class TestSseParser : public QObject {
    Q_OBJECT

    static QList<SseMessage> feedAll(const QByteArray &bytes, int step)
    {
        SseParser parser;
        QList<SseMessage> out;
        for (qsizetype i = 0; i < bytes.size(); i += step)
            out += parser.feed(bytes.mid(i, step));
        return out;
    }

private Q_SLOTS:
    void eventsSurviveEveryCut_data()
    {
        QTest::addColumn<QByteArray>("lineEnd");
        QTest::newRow("lf") << QByteArray("\n");
        QTest::newRow("crlf") << QByteArray("\r\n");
        QTest::newRow("cr") << QByteArray("\r");
    }
    void eventsSurviveEveryCut()
    {
        QFETCH(QByteArray, lineEnd);
        const QByteArray e = lineEnd;
        const QByteArray stream = ": keep-alive" + e + "event: delta" + e + "data: {\"text\":\"夕暮れの光 🌅\"}" + e + e
                                  + "data: first" + e + "data:second" + e + "id: 7" + e + e + "event: done" + e + "data: {}" + e + e;
        for (int step = 1; step <= stream.size(); ++step) {
            const QList<SseMessage> events = feedAll(stream, step);
            QCOMPARE(events.size(), 3);
            QCOMPARE(events.at(0).event, QStringLiteral("delta"));
            QCOMPARE(events.at(0).data, QStringLiteral("{\"text\":\"夕暮れの光 🌅\"}"));
            QCOMPARE(events.at(1).event, QStringLiteral("message"));
            QCOMPARE(events.at(1).data, QStringLiteral("first\nsecond"));
            QCOMPARE(events.at(2).event, QStringLiteral("done"));
        }
    }

    void unfinishedEventIsNotDispatched()
    {
        SseParser parser;
        QVERIFY(parser.feed("event: delta\ndata: {\"text\":\"a\"}\n").isEmpty());
        QVERIFY(parser.insideEvent());
        QCOMPARE(parser.feed("\n").size(), 1);
        QVERIFY(!parser.insideEvent());
    }

    void overlongLineStopsTheReader()
    {
        SseParser parser;
        parser.setMaxLineBytes(1024);
        parser.feed(QByteArray("data: " + QByteArray(2000, 'x')));
        QVERIFY(parser.overflowed());
        QVERIFY(parser.feed("\n\n").isEmpty());
    }

    void fencedBlockIsHeldBackAndRead()
    {
        const QString reply = QStringLiteral("Try warmer light.\n```json\n{\"suggestions\":[{\"prompt\":\"雪の狐\",\"rationale\":\"r\"}]}\n```\n");
        for (int step = 1; step <= 12; ++step) {
            FencedSuggestions fenced;
            QString shown;
            for (qsizetype i = 0; i < reply.size(); i += step)
                shown += fenced.accept(reply.mid(i, step));
            QVERIFY2(!shown.contains(QLatin1Char('`')), qPrintable(shown));
            const FencedSuggestions::Outcome outcome = fenced.finish();
            QVERIFY(outcome.suggestions);
            QCOMPARE(outcome.suggestions->size(), 1);
            QCOMPARE(outcome.suggestions->first().prompt, QStringLiteral("雪の狐"));
            QCOMPARE(outcome.content, QStringLiteral("Try warmer light."));
            QCOMPARE(QString(shown + outcome.tail).trimmed(), outcome.content);
        }
    }

    void proseWithoutValidBlockIsShownWhole()
    {
        const QString reply = QStringLiteral("Use ``` sparingly. ```json\n{\"not\": \"suggestions\"}\n``` the end");
        FencedSuggestions fenced;
        QString shown;
        for (qsizetype i = 0; i < reply.size(); i += 3)
            shown += fenced.accept(reply.mid(i, 3));
        const FencedSuggestions::Outcome outcome = fenced.finish();
        QVERIFY(!outcome.suggestions);
        QCOMPARE(shown + outcome.tail, reply);
        QCOMPARE(outcome.content, reply);
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "tst_sseparser.moc"
