#pragma once
// What a suggestion changes against the prompt in the bar, word by word (a longest common
// subsequence over words), so a card can show added words highlighted and removed ones struck
// through. Words are split on whitespace; punctuation is a word of its own, and scripts written
// without spaces (Han, kana, Thai, ...) count each character as a word, so CJK prompts diff sensibly.
#include <QList>
#include <QString>

namespace vesper::client {

struct DiffSegment {
    enum class Kind { Same, Added, Removed };
    Kind kind = Kind::Same;
    QString text; // the words with the spacing that follows them in their own prompt

    friend bool operator==(const DiffSegment &, const DiffSegment &) = default;
};

/// The words of text as the diff sees them (whitespace dropped), e.g. for tests and counting.
QStringList diffWords(const QString &text);

/// The changes from before to after as runs of same, removed and added words, in reading order
/// (a removal comes before the addition that replaces it). Same and Added runs, joined, give after
/// with its spacing (leading whitespace aside). Prompts too long to compare word by word (over
/// about four million word pairs after the common start and end) diff as one replacement.
QList<DiffSegment> diffPrompts(const QString &before, const QString &after);

/// The prompt `before`, untouched, with what `after` adds appended (the drawer's Insert): after's
/// added runs of words, comma-separated, at the end; before unchanged when after adds nothing. So
/// inserting a rewrite of the prompt never repeats the words both share.
QString mergeAdditions(const QString &before, const QString &after);

} // namespace vesper::client
