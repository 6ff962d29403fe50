// The word diff a suggestion card shows: words added and removed in reading order, the suggestion
// rebuilt exactly from what stays and what is added, punctuation apart from words, CJK and Thai
// compared per character (no spaces to split on), emoji and combining marks kept whole, and long
// prompts handled.
#include "client/assistant/worddiff.h"

#include <QTest>

using namespace vesper::client;
using Kind = DiffSegment::Kind;

namespace {
QString joined(const QList<DiffSegment> &segments, Kind skip)
{
    QString out;
    for (const DiffSegment &s : segments) {
        if (s.kind != skip)
            out += s.text;
    }
    return out;
}

QString only(const QList<DiffSegment> &segments, Kind kind)
{
    QStringList parts;
    for (const DiffSegment &s : segments) {
        if (s.kind == kind)
            parts << s.text.trimmed();
    }
    return parts.join(QLatin1Char('|'));
}
} // namespace

class TestWordDiff : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void words_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("words");
        QTest::newRow("spaces") << QStringLiteral("  a red   kite\n") << QStringList{"a", "red", "kite"};
        QTest::newRow("punctuation") << QStringLiteral("kite, at noon.") << QStringList{"kite", ",", "at", "noon", "."};
        QTest::newRow("joined words") << QStringLiteral("close-up, don't") << QStringList{"close-up", ",", "don't"};
        QTest::newRow("chinese") << QStringLiteral("一只红色的风筝") << QStringList{"一", "只", "红", "色", "的", "风", "筝"};
        QTest::newRow("japanese mixed") << QStringLiteral("赤い kite") << QStringList{"赤", "い", "kite"};
        QTest::newRow("thai") << QStringLiteral("ว่าวสีแดง") << QStringList{"ว่", "า", "ว", "สี", "แ", "ด", "ง"};
        QTest::newRow("emoji") << QStringLiteral("kite 🪁 sky") << QStringList{"kite", "🪁", "sky"};
        QTest::newRow("accents") << QStringLiteral("cafe\u0301 crème") << QStringList{"cafe\u0301", "crème"};
        QTest::newRow("empty") << QString() << QStringList{};
    }

    void words()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, words);
        QCOMPARE(diffWords(text), words);
    }

    void addedAtTheEnd()
    {
        const QList<DiffSegment> d = diffPrompts(QStringLiteral("a red kite"), QStringLiteral("a red kite, soft morning light"));
        QCOMPARE(d.size(), 2);
        QCOMPARE(d.at(0), (DiffSegment{Kind::Same, QStringLiteral("a red kite")}));
        QCOMPARE(d.at(1).kind, Kind::Added);
        QCOMPARE(d.at(1).text, QStringLiteral(", soft morning light"));
    }

    void replacedInTheMiddle()
    {
        const QString before = QStringLiteral("a red kite over the harbour at noon");
        const QString after = QStringLiteral("a blue kite over the calm harbour at dusk");
        const QList<DiffSegment> d = diffPrompts(before, after);
        QCOMPARE(only(d, Kind::Removed), QStringLiteral("red|noon"));
        QCOMPARE(only(d, Kind::Added), QStringLiteral("blue|calm|dusk"));
        QCOMPARE(joined(d, Kind::Removed), after);
        // A removal comes before the word that replaces it.
        QCOMPARE(d.at(1).kind, Kind::Removed);
        QCOMPARE(d.at(2).kind, Kind::Added);
        // Same and removed words, in order, are the words of the old prompt.
        QCOMPARE(diffWords(joined(d, Kind::Added)), diffWords(before));
    }

    void removedWordsKeepASpace()
    {
        const QList<DiffSegment> d = diffPrompts(QStringLiteral("a cat"), QStringLiteral("a dog"));
        QCOMPARE(d, (QList<DiffSegment>{{Kind::Same, QStringLiteral("a ")}, {Kind::Removed, QStringLiteral("cat ")}, {Kind::Added, QStringLiteral("dog")}}));
    }

    void identicalAndEmpty()
    {
        QCOMPARE(diffPrompts(QStringLiteral("same words"), QStringLiteral("same words")),
                 (QList<DiffSegment>{{Kind::Same, QStringLiteral("same words")}}));
        QCOMPARE(diffPrompts(QString(), QStringLiteral("new prompt")), (QList<DiffSegment>{{Kind::Added, QStringLiteral("new prompt")}}));
        QCOMPARE(only(diffPrompts(QStringLiteral("old prompt"), QString()), Kind::Removed), QStringLiteral("old prompt"));
        QVERIFY(diffPrompts(QString(), QString()).isEmpty());
    }

    void chinesePerCharacter()
    {
        const QString after = QStringLiteral("一只蓝色的风筝，柔和的晨光");
        const QList<DiffSegment> d = diffPrompts(QStringLiteral("一只红色的风筝"), after);
        QCOMPARE(only(d, Kind::Removed), QStringLiteral("红"));
        QCOMPARE(only(d, Kind::Added), QStringLiteral("蓝|，柔和的晨光"));
        QCOMPARE(joined(d, Kind::Removed), after); // no spaces invented between characters
    }

    void mixedScriptsPassThroughIntact()
    {
        const QString before = QStringLiteral("赤い凧 over the harbour 🪁");
        const QString after = QStringLiteral("赤い凧 over the calm harbour 🪁, golden hour");
        const QList<DiffSegment> d = diffPrompts(before, after);
        QCOMPARE(joined(d, Kind::Removed), after);
        QCOMPARE(only(d, Kind::Added), QStringLiteral("calm|, golden hour"));
        QCOMPARE(only(d, Kind::Removed), QString());
    }

    void longPrompts()
    {
        // 5,000 characters each way: compared word by word.
        QStringList words;
        for (int i = 0; i < 800; ++i)
            words << QStringLiteral("w%1").arg(i);
        const QString before = words.join(QLatin1Char(' '));
        QStringList changed = words;
        changed[400] = QStringLiteral("changed");
        const QList<DiffSegment> d = diffPrompts(before, changed.join(QLatin1Char(' ')));
        QCOMPARE(only(d, Kind::Removed), QStringLiteral("w400"));
        QCOMPARE(only(d, Kind::Added), QStringLiteral("changed"));

        // Too many word pairs to compare (3,000 x 3,000 distinct characters): one replacement, quickly.
        QString a, b;
        for (int i = 0; i < 3000; ++i) {
            a += QChar(0x4E00 + i);
            b += QChar(0x4E00 + 3000 + i);
        }
        a += QStringLiteral(" end");
        b += QStringLiteral(" end");
        const QList<DiffSegment> big = diffPrompts(a, b);
        QCOMPARE(big.size(), 3);
        QCOMPARE(big.at(0).kind, Kind::Removed);
        QCOMPARE(big.at(1).kind, Kind::Added);
        QCOMPARE(joined(big, Kind::Removed), b);
    }

    // Insert: what the suggestion adds, never the words both share twice.
    void mergeAdditions_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QString>("merged");
        QTest::newRow("adds at the end: the suggestion as it is")
            << QStringLiteral("a cat on a sofa") << QStringLiteral("a cat on a sofa, golden hour light, 50mm lens")
            << QStringLiteral("a cat on a sofa, golden hour light, 50mm lens");
        QTest::newRow("adds inside: the user's words stay as typed, the new ones after them")
            << QStringLiteral("a cat on a sofa") << QStringLiteral("a fluffy cat on a velvet sofa, golden hour light")
            << QStringLiteral("a cat on a sofa, fluffy, velvet, golden hour light");
        QTest::newRow("rewrites: the prompt kept, the new words after it")
            << QStringLiteral("a dog in the rain") << QStringLiteral("a wet dog in heavy rain, neon reflections")
            << QStringLiteral("a dog in the rain, wet, heavy, neon reflections");
        QTest::newRow("nothing new: unchanged")
            << QStringLiteral("a dog in the rain, moody") << QStringLiteral("a dog in rain")
            << QStringLiteral("a dog in the rain, moody");
        QTest::newRow("empty prompt: the suggestion")
            << QStringLiteral("  ") << QStringLiteral("a lighthouse at dusk ") << QStringLiteral("a lighthouse at dusk");
        QTest::newRow("a prompt ending in a full stop")
            << QStringLiteral("A harbour at night.") << QStringLiteral("A busy harbour, fog, lanterns")
            << QStringLiteral("A harbour at night. busy, fog, lanterns");
    }

    void mergeAdditions()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QString, merged);
        QCOMPARE(vesper::client::mergeAdditions(before, after), merged);
    }
};

QTEST_APPLESS_MAIN(TestWordDiff)
#include "tst_worddiff.moc"
