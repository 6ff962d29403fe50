// JsonWriter must produce text that a real JSON parser reads back to the same values, whatever the
// strings hold: quotes, backslashes, control characters, non-ASCII, surrogate pairs.
#include "common/jsonwriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace vesper;

class TestJsonWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stringsRoundTrip_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("empty") << QString();
        QTest::newRow("plain") << QStringLiteral("a lighthouse at dusk");
        QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ C:\\path\\");
        QTest::newRow("control") << QString::fromUtf8("tab\tnew\nline\rbell\x07 nul") + QChar(0) + QStringLiteral("end");
        QTest::newRow("sql") << QStringLiteral("'; DROP TABLE projects; --");
        QTest::newRow("unicode") << QStringLiteral("café — 東京 — ñ");
        QTest::newRow("emoji surrogate pair") << QString::fromUtf8("rocket \xF0\x9F\x9A\x80 done");
        QTest::newRow("html") << QStringLiteral("</script><b>&amp;</b>");
    }
    void stringsRoundTrip()
    {
        QFETCH(QString, text);
        JsonWriter w;
        w.beginObject().field("text", text).field("n", qint64(-42)).field("flag", true).nullField("none");
        w.key("list").beginArray().value(qint64(1)).value("two").endArray().endObject();
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(w.data(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString() + QStringLiteral(": ") + QString::fromUtf8(w.data())));
        const QJsonObject object = document.object();
        QCOMPARE(object.value(QStringLiteral("text")).toString(), text);
        QCOMPARE(object.value(QStringLiteral("n")).toInteger(), qint64(-42));
        QCOMPARE(object.value(QStringLiteral("flag")).toBool(), true);
        QVERIFY(object.value(QStringLiteral("none")).isNull());
        QCOMPARE(object.value(QStringLiteral("list")).toArray(), (QJsonArray{1, QStringLiteral("two")}));
    }
    void loneSurrogateBecomesReplacement()
    {
        JsonWriter w;
        w.beginArray().value(QString(QChar(0xd800)) + QStringLiteral("x")).endArray();
        const QJsonArray array = QJsonDocument::fromJson(w.data()).array();
        QCOMPARE(array.at(0).toString(), QString(QChar(0xfffd)) + QStringLiteral("x"));
    }
    void rawMembersSplice()
    {
        JsonWriter members;
        members.field("a", qint64(1)).field("b", "x");
        JsonWriter w;
        w.beginObject().rawMembers(members.data()).field("c", false).endObject();
        QCOMPARE(w.data(), QByteArray(R"({"a":1,"b":"x","c":false})"));
    }
};

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "tst_jsonwriter.moc"
