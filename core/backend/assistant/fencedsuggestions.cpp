#include "backend/assistant/fencedsuggestions.h"
#include "backend/assistant/assistantprompt.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {
namespace {
const QString kFence = QStringLiteral("```json");

/// How many characters at the end of text could be the start of a fence still arriving.
qsizetype partialFenceAtEnd(const QString &text)
{
    for (qsizetype n = qMin<qsizetype>(kFence.size() - 1, text.size()); n > 0; --n) {
        if (QStringView(text).right(n).compare(QStringView(kFence).left(n), Qt::CaseInsensitive) == 0)
            return n;
    }
    return 0;
}
} // namespace

QString FencedSuggestions::accept(const QString &delta)
{
    m_text += delta;
    if (m_fenceSeen)
        return {};
    qsizetype limit = m_text.indexOf(kFence, m_shown, Qt::CaseInsensitive);
    if (limit >= 0)
        m_fenceSeen = true;
    else
        limit = m_text.size() - partialFenceAtEnd(m_text);
    const QString out = m_text.mid(m_shown, limit - m_shown);
    m_shown = qMax(m_shown, limit);
    return out;
}

FencedSuggestions::Outcome FencedSuggestions::finish() const
{
    Outcome out;
    const qsizetype start = m_text.lastIndexOf(kFence, -1, Qt::CaseInsensitive);
    const qsizetype bodyStart = start + kFence.size();
    const qsizetype end = start < 0 ? -1 : m_text.indexOf(QStringLiteral("```"), bodyStart);
    if (start >= 0 && end > start) {
        const QJsonDocument doc = QJsonDocument::fromJson(m_text.mid(bodyStart, end - bodyStart).toUtf8());
        QString error;
        if (doc.isObject())
            out.suggestions = suggestionsFromJson(doc.object(), &error);
    }
    if (!out.suggestions) {
        out.tail = m_text.mid(m_shown);
        out.content = m_text;
        return out;
    }
    const QString after = m_text.mid(end + 3);
    out.tail = (start > m_shown ? m_text.mid(m_shown, start - m_shown) : QString()) + after;
    out.content = QString(m_text.left(start) + after).trimmed();
    return out;
}

} // namespace vesper::backend
