#include "backend/assistant/checklistitem.h"

#include <QRegularExpression>

namespace vesper::backend {

ChecklistItem parseChecklistItem(const QString &line)
{
    static const QRegularExpression tag(QStringLiteral(R"(^\s*\[([A-Za-z]+)\]\s*)"));
    static const QRegularExpression add(QStringLiteral(R"(\s*\bAdd:\s*(.*)$)"));
    static const QRegularExpression quoted(QStringLiteral("[\"\u201C]([^\"\u201D]+)[\"\u201D]"));
    ChecklistItem item;
    QString text = line;
    const QRegularExpressionMatch tagMatch = tag.match(text);
    if (tagMatch.hasMatch()) {
        item.aspect = aspectFromName(tagMatch.captured(1));
        text = text.mid(tagMatch.capturedLength());
    }
    const QRegularExpressionMatch addMatch = add.match(text);
    if (addMatch.hasMatch()) {
        auto phrases = quoted.globalMatch(addMatch.captured(1));
        while (phrases.hasNext()) {
            const QString phrase = phrases.next().captured(1).trimmed();
            if (!phrase.isEmpty())
                item.additions.append(phrase);
        }
        text = text.left(addMatch.capturedStart());
    }
    // Markdown emphasis reads as noise in a one-line reason.
    text.remove(QStringLiteral("**"));
    item.guidance = text.trimmed();
    return item;
}

} // namespace vesper::backend
