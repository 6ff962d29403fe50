#include "domain/textrules.h"

#include <QList>

namespace vesper::textrules {
namespace {
bool isBidiControl(char32_t c)
{
    return c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

QString describe(char32_t c, qsizetype position)
{
    const QString hex = QString::number(uint(c), 16).toUpper().rightJustified(4, QLatin1Char('0'));
    return QStringLiteral("U+%1 at position %2").arg(hex).arg(position + 1);
}

template <typename Refused>
QString firstRefused(const QString &text, Refused refused, const char *what)
{
    const QList<uint> points = text.toUcs4();
    for (qsizetype i = 0; i < points.size(); ++i) {
        const char32_t c = points.at(i);
        if (refused(c))
            return QStringLiteral("must not contain %1 (%2)").arg(QLatin1String(what), describe(c, i));
    }
    return {};
}
} // namespace

QString nameProblem(const QString &name)
{
    return firstRefused(name, [](char32_t c) { return QChar::category(c) == QChar::Other_Control || isBidiControl(c); },
                        "control or text-direction characters");
}

QString emailProblem(const QString &email)
{
    return firstRefused(email, [](char32_t c) {
        const QChar::Category category = QChar::category(c);
        return category == QChar::Other_Control || category == QChar::Other_Format || isBidiControl(c);
    }, "control, invisible or text-direction characters");
}

} // namespace vesper::textrules
