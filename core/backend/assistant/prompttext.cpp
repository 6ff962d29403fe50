#include "backend/assistant/prompttext.h"

namespace vesper::backend {
namespace {
/// Kept inside a word: "f/2.8", "16:9", "3.5".
bool joinsWord(char32_t c)
{
    return c == U'/' || c == U':' || c == U'.';
}

/// Dropped without splitting: "bird's-eye" reads "birds eye".
bool isApostrophe(char32_t c)
{
    return c == U'\'' || c == U'\u2019';
}

void addWord(QString &word, QStringList &words)
{
    while (!word.isEmpty() && joinsWord(word.back().unicode()))
        word.chop(1);
    while (!word.isEmpty() && joinsWord(word.front().unicode()))
        word.remove(0, 1);
    if (!word.isEmpty())
        words.append(word);
    word.clear();
}
} // namespace

PromptText::PromptText(const QString &prompt)
{
    const QString folded = prompt.toCaseFolded();
    QString word;
    for (const char32_t c : folded.toUcs4()) {
        ++m_letters;
        if (QChar::isLetterOrNumber(c) || QChar::category(c) == QChar::Mark_NonSpacing || QChar::category(c) == QChar::Mark_SpacingCombining
            || (joinsWord(c) && !word.isEmpty())) {
            const char32_t pair[1] = {c};
            word += QString::fromUcs4(pair, 1);
        } else if (!isApostrophe(c)) {
            addWord(word, m_words);
        }
    }
    addWord(word, m_words);
    m_wordSet = QSet<QString>(m_words.cbegin(), m_words.cend());
    m_joined = QLatin1Char(' ') + m_words.join(QLatin1Char(' ')) + QLatin1Char(' ');
}

bool PromptText::has(const QString &phrase) const
{
    const bool prefix = phrase.endsWith(QLatin1Char('*'));
    const QString text = prefix ? phrase.chopped(1) : phrase;
    if (!text.contains(QLatin1Char(' '))) {
        if (!prefix)
            return m_wordSet.contains(text);
        for (const QString &word : m_words) {
            if (word.startsWith(text))
                return true;
        }
        return false;
    }
    return m_joined.contains(QLatin1Char(' ') + text + (prefix ? QString() : QStringLiteral(" ")));
}

bool PromptText::hasAny(const QStringList &phrases) const
{
    for (const QString &phrase : phrases) {
        if (has(phrase))
            return true;
    }
    return false;
}

} // namespace vesper::backend
