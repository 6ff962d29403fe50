#include "client/assistant/worddiff.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace vesper::client {
namespace {
constexpr qsizetype kMaxPairs = 4'000'000; // 8 MB of table at most

struct Token {
    QString text;
    QString space;        // the whitespace that follows it
    bool spaced = true;   // its script separates words with spaces (false: Han, kana, Thai, ...)
};

/// Scripts written without spaces between words: each character is a word of its own.
bool isUnspacedScript(char32_t c)
{
    switch (QChar::script(c)) {
    case QChar::Script_Han:
    case QChar::Script_Hiragana:
    case QChar::Script_Katakana:
    case QChar::Script_Bopomofo:
    case QChar::Script_Yi:
    case QChar::Script_Thai:
    case QChar::Script_Lao:
    case QChar::Script_Khmer:
    case QChar::Script_Myanmar:
    case QChar::Script_Tibetan:
        return true;
    default:
        return false;
    }
}

bool isMark(char32_t c)
{
    const QChar::Category category = QChar::category(c);
    return category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining || category == QChar::Mark_Enclosing;
}

/// Joins a word: hyphens and apostrophes between letters ("close-up", "don't") stay inside it.
bool isJoiner(char32_t c)
{
    return c == U'-' || c == U'\'' || c == U'\u2019';
}

QList<Token> tokenize(const QString &text)
{
    QList<Token> tokens;
    bool inWord = false; // the last token is a spaced word still growing
    const qsizetype size = text.size();
    for (qsizetype i = 0; i < size;) {
        char32_t c = text.at(i).unicode();
        qsizetype width = 1;
        if (QChar::isHighSurrogate(c) && i + 1 < size && text.at(i + 1).isLowSurrogate()) {
            c = QChar::surrogateToUcs4(text.at(i), text.at(i + 1));
            width = 2;
        }
        const QString piece = text.mid(i, width);
        i += width;
        if (QChar::isSpace(c)) {
            if (!tokens.isEmpty())
                tokens.last().space += piece;
            inWord = false;
            continue;
        }
        if (!tokens.isEmpty() && tokens.last().space.isEmpty() && (isMark(c) || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F))) {
            tokens.last().text += piece; // combining marks, joiners and variation selectors stay with their base
            continue;
        }
        if (isUnspacedScript(c)) {
            tokens.append({piece, {}, false});
            inWord = false;
        } else if (QChar::isLetterOrNumber(c) || (inWord && isJoiner(c))) {
            if (inWord)
                tokens.last().text += piece;
            else
                tokens.append({piece, {}, true});
            inWord = true;
        } else {
            tokens.append({piece, {}, true}); // punctuation and symbols: one word each
            inWord = false;
        }
    }
    return tokens;
}

void push(QList<DiffSegment> &segments, DiffSegment::Kind kind, const QString &text)
{
    if (!segments.isEmpty() && segments.last().kind == kind)
        segments.last().text += text;
    else
        segments.append({kind, text});
}

/// A removed word is shown before what replaces it; a space keeps the two apart on screen.
QString removedText(const Token &token)
{
    return token.text + (token.space.isEmpty() && token.spaced ? QStringLiteral(" ") : token.space);
}
} // namespace

QStringList diffWords(const QString &text)
{
    QStringList words;
    for (const Token &token : tokenize(text))
        words << token.text;
    return words;
}

QList<DiffSegment> diffPrompts(const QString &before, const QString &after)
{
    const QList<Token> a = tokenize(before);
    const QList<Token> b = tokenize(after);
    qsizetype head = 0;
    while (head < a.size() && head < b.size() && a.at(head).text == b.at(head).text)
        ++head;
    qsizetype tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a.at(a.size() - 1 - tail).text == b.at(b.size() - 1 - tail).text)
        ++tail;
    const qsizetype n = a.size() - head - tail;
    const qsizetype m = b.size() - head - tail;

    QList<DiffSegment> segments;
    for (qsizetype k = 0; k < head; ++k)
        push(segments, DiffSegment::Kind::Same, b.at(k).text + b.at(k).space);
    if (n * m > kMaxPairs) {
        for (qsizetype i = 0; i < n; ++i)
            push(segments, DiffSegment::Kind::Removed, removedText(a.at(head + i)));
        for (qsizetype j = 0; j < m; ++j)
            push(segments, DiffSegment::Kind::Added, b.at(head + j).text + b.at(head + j).space);
    } else {
        // lcs[i][j]: the longest common run of a[head+i..] and b[head+j..]; walked forward, removals first.
        std::vector<std::uint16_t> lcs(std::size_t((n + 1) * (m + 1)), 0);
        const auto at = [&](qsizetype i, qsizetype j) -> std::uint16_t & { return lcs[std::size_t(i * (m + 1) + j)]; };
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j)
                at(i, j) = a.at(head + i).text == b.at(head + j).text ? std::uint16_t(at(i + 1, j + 1) + 1)
                                                                      : std::max(at(i + 1, j), at(i, j + 1));
        }
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a.at(head + i).text == b.at(head + j).text) {
                push(segments, DiffSegment::Kind::Same, b.at(head + j).text + b.at(head + j).space);
                ++i;
                ++j;
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                push(segments, DiffSegment::Kind::Removed, removedText(a.at(head + i)));
                ++i;
            } else {
                push(segments, DiffSegment::Kind::Added, b.at(head + j).text + b.at(head + j).space);
                ++j;
            }
        }
    }
    for (qsizetype k = b.size() - tail; k < b.size(); ++k)
        push(segments, DiffSegment::Kind::Same, b.at(k).text + b.at(k).space);
    return segments;
}

namespace {
/// text without the whitespace and list punctuation at its ends.
QString trimmedRun(const QString &text)
{
    static const QString edges = QStringLiteral(",;:.");
    qsizetype start = 0;
    qsizetype end = text.size();
    while (start < end && (text.at(start).isSpace() || edges.contains(text.at(start))))
        ++start;
    while (end > start && (text.at(end - 1).isSpace() || edges.contains(text.at(end - 1))))
        --end;
    return text.mid(start, end - start);
}
} // namespace

QString mergeAdditions(const QString &before, const QString &after)
{
    if (before.trimmed().isEmpty())
        return after.trimmed();
    QStringList runs;
    QString run;
    const auto flush = [&] {
        const QString t = trimmedRun(run);
        if (!t.isEmpty())
            runs.append(t);
        run.clear();
    };
    for (const DiffSegment &segment : diffPrompts(before, after)) {
        if (segment.kind == DiffSegment::Kind::Added) {
            run += segment.text;
            continue;
        }
        flush();
    }
    flush();
    if (runs.isEmpty())
        return before;
    QString base = before;
    while (!base.isEmpty() && base.back().isSpace())
        base.chop(1);
    const bool punctuated = !base.isEmpty() && QStringLiteral(",;:.").contains(base.back());
    return base + (punctuated ? QStringLiteral(" ") : QStringLiteral(", ")) + runs.join(QStringLiteral(", "));
}

} // namespace vesper::client
