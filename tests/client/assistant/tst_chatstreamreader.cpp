// The chat's event stream as the client reads it: deltas add up to the text and are reported as
// they complete, whatever byte boundaries the stream is cut at (inside a UTF-8 character, inside an
// event); the suggestions event and done make the reply; an error event becomes an ApiError with
// its code, status and Retry-After; a stream cut before done is a Network error; malformed data is
// a BadResponse, never a crash.
#include "client/net/chatstreamreader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace vesper;
using namespace vesper::client;

namespace {
QByteArray sseEvent(const char *name, const QJsonObject &data)
{
    return QByteArray("event: ") + name + "\ndata: " + QJsonDocument(data).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray fullStream()
{
    const QString reply = QStringLiteral("Add light — “golden hour” 🌅, 夕焼け.");
    QByteArray bytes = ": heartbeat\n\n";
    bytes += sseEvent("delta", {{QStringLiteral("text"), reply.left(9)}});
    bytes += sseEvent("delta", {{QStringLiteral("text"), reply.mid(9, 14)}});
    bytes += sseEvent("delta", {{QStringLiteral("text"), reply.mid(23)}});
    Suggestion s;
    s.prompt = QStringLiteral("a red kite, golden hour");
    s.rationale = QStringLiteral("added lighting");
    s.parameters = {{QStringLiteral("aspectRatio"), QStringLiteral("16:9")}};
    bytes += sseEvent("suggestions", {{QStringLiteral("suggestions"), QJsonArray{s.toJson()}}});
    bytes += sseEvent("done", {{QStringLiteral("message"), ChatMessage{QStringLiteral("assistant"), reply}.toJson()}});
    return bytes;
}
} // namespace

class TestChatStreamReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitAnywhere()
    {
        const QByteArray bytes = fullStream();
        const QString expected = QStringLiteral("Add light — “golden hour” 🌅, 夕焼け.");
        // Every cut point, and a byte at a time.
        for (int cut = 0; cut <= bytes.size(); ++cut) {
            QStringList deltas;
            ChatStreamReader reader([&](const QString &delta) { deltas << delta; });
            reader.feed(QByteArrayView(bytes).first(cut));
            reader.feed(QByteArrayView(bytes).sliced(cut));
            const ApiResult<AssistantReply> result = reader.result();
            QVERIFY2(result.ok(), qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(describe(result.error))));
            QCOMPARE(deltas.join(QString()), expected);
            QCOMPARE(deltas.size(), 3);
            QCOMPARE(result.value.message.content, expected);
            QCOMPARE(result.value.suggestions.size(), 1);
            QCOMPARE(result.value.suggestions.first().parameters.value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("16:9"));
        }
        QString text;
        ChatStreamReader bytewise([&](const QString &delta) { text += delta; });
        for (char c : bytes)
            bytewise.feed(QByteArrayView(&c, 1));
        QVERIFY(bytewise.isFinished());
        QCOMPARE(text, expected);
    }

    void errorEventMidStream()
    {
        ChatStreamReader reader;
        reader.feed(sseEvent("delta", {{QStringLiteral("text"), QStringLiteral("Half an ans")}}));
        reader.feed(sseEvent("error", {{QStringLiteral("error"), QStringLiteral("The model is busy; try again in 20 seconds.")},
                                    {QStringLiteral("code"), QStringLiteral("RATE_LIMITED")},
                                    {QStringLiteral("retryAfter"), 20}}));
        reader.feed(sseEvent("delta", {{QStringLiteral("text"), QStringLiteral("ignored")}}));
        QVERIFY(reader.isFinished());
        const ApiResult<AssistantReply> result = reader.result();
        QCOMPARE(result.error.kind, ApiError::Kind::Http);
        QCOMPARE(result.error.code, QStringLiteral("RATE_LIMITED"));
        QCOMPARE(result.error.status, 429);
        QCOMPARE(result.error.retryAfterSeconds, 20);
        QVERIFY(result.error.isTransient());
        QCOMPARE(result.error.message, QStringLiteral("The model is busy; try again in 20 seconds."));
        QCOMPARE(reader.text(), QStringLiteral("Half an ans"));
    }

    void brokenOff()
    {
        const QByteArray bytes = fullStream();
        ChatStreamReader reader;
        reader.feed(QByteArrayView(bytes).first(bytes.size() - 5)); // done never completes
        QVERIFY(!reader.isFinished());
        const ApiResult<AssistantReply> result = reader.result();
        QCOMPARE(result.error.kind, ApiError::Kind::Network);
        QVERIFY(result.error.isTransient());
    }

    void malformed()
    {
        ChatStreamReader notJson;
        notJson.feed("event: delta\ndata: {not json\n\n");
        QCOMPARE(notJson.result().error.kind, ApiError::Kind::BadResponse);

        ChatStreamReader badSuggestion;
        badSuggestion.feed(sseEvent("suggestions", {{QStringLiteral("suggestions"), QJsonArray{QJsonObject{{QStringLiteral("rationale"), 3}}}}}));
        QCOMPARE(badSuggestion.result().error.kind, ApiError::Kind::BadResponse);
        QVERIFY(badSuggestion.result().error.message.contains(QStringLiteral("suggestions[0]")));

        ChatStreamReader badDone;
        badDone.feed(sseEvent("done", {{QStringLiteral("message"), 42}}));
        QCOMPARE(badDone.result().error.kind, ApiError::Kind::BadResponse);

        // Unnamed data and unknown events are skipped.
        ChatStreamReader unknown;
        unknown.feed("data: hello\n\n");
        unknown.feed(sseEvent("usage", {{QStringLiteral("tokens"), 12}}));
        unknown.feed(sseEvent("done", {{QStringLiteral("message"), ChatMessage{QStringLiteral("assistant"), QStringLiteral("ok")}.toJson()}}));
        QVERIFY2(unknown.result().ok(), qPrintable(describe(unknown.result().error)));
        QCOMPARE(unknown.result().value.message.content, QStringLiteral("ok"));
    }
};

QTEST_APPLESS_MAIN(TestChatStreamReader)
#include "tst_chatstreamreader.moc"
