#include "backend/skills/skillbody.h"

#include <QRegularExpression>

namespace vesper::backend {
namespace {
/// The heading level of a line ("## Checklist" is 2), 0 when it is not an ATX heading.
int headingLevel(const QString &line)
{
    int level = 0;
    while (level < line.size() && level < 7 && line.at(level) == QLatin1Char('#'))
        ++level;
    if (level == 0 || level > 6 || (level < line.size() && line.at(level) != QLatin1Char(' ')))
        return 0;
    return level;
}
} // namespace

QStringList checklistOf(const QString &body)
{
    static const QRegularExpression marker(QStringLiteral(R"(^\s*(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?)"));
    QStringList items;
    int sectionLevel = 0;
    bool inFence = false;
    const QStringList lines = body.split(QLatin1Char('\n'));
    for (const QString &raw : lines) {
        const QString line = raw.trimmed();
        if (line.startsWith(QLatin1String("```")) || line.startsWith(QLatin1String("~~~")))
            inFence = !inFence;
        if (inFence)
            continue;
        const int level = headingLevel(line);
        if (level > 0) {
            if (sectionLevel > 0 && level <= sectionLevel)
                break;
            if (sectionLevel == 0 && line.mid(level).trimmed().compare(QLatin1String("Checklist"), Qt::CaseInsensitive) == 0)
                sectionLevel = level;
            continue;
        }
        if (sectionLevel == 0)
            continue;
        const QRegularExpressionMatch match = marker.match(raw);
        if (match.hasMatch()) {
            items.append(raw.mid(match.capturedLength()).trimmed());
        } else if (!line.isEmpty() && !items.isEmpty() && raw.startsWith(QLatin1Char(' '))) {
            items.last() += QLatin1Char(' ') + line; // a wrapped item continues on an indented line
        }
    }
    items.removeAll(QString());
    return items;
}

} // namespace vesper::backend
