#pragma once
// A prompt as the coach searches it: case-folded words, so "Golden Hour," and "golden-hour" both
// match the phrase "golden hour", whole words only ("lit" is not found in "little"). Only a search
// copy: the user's text itself is never rewritten. Words in any script are kept whole.
#include <QSet>
#include <QString>
#include <QStringList>

namespace vesper::backend {

class PromptText {
public:
    explicit PromptText(const QString &prompt);

    /// phrase is lowercase words separated by single spaces; a trailing '*' matches any word
    /// starting with the last word ("illuminat*" finds "illuminated").
    bool has(const QString &phrase) const;
    /// True when any of phrases is found.
    bool hasAny(const QStringList &phrases) const;
    /// The search copy: its words joined by single spaces, with a space at each end.
    const QString &joined() const { return m_joined; }
    int wordCount() const { return int(m_words.size()); }
    /// Characters in the prompt, counting a surrogate pair once.
    int letterCount() const { return m_letters; }

private:
    QStringList m_words;
    QSet<QString> m_wordSet;
    QString m_joined;
    int m_letters = 0;
};

} // namespace vesper::backend
