#include "domain/wiretime.h"
#include "common/clock.h"

#include <QDate>

namespace vesper {
namespace {
/// count ASCII digits of text from at, or -1.
int digitsAt(const QString &text, qsizetype at, int count)
{
    int value = 0;
    for (qsizetype i = at; i < at + count; ++i) {
        const QChar c = text.at(i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return -1;
        value = value * 10 + (c.unicode() - '0');
    }
    return value;
}
} // namespace

std::optional<qint64> parseWireTime(const QString &text)
{
    const qsizetype size = text.size();
    if (size < 20 || size == 21 || size > 27 || text.at(size - 1) != QLatin1Char('Z'))
        return std::nullopt;
    if (text.at(4) != QLatin1Char('-') || text.at(7) != QLatin1Char('-') || text.at(10) != QLatin1Char('T')
        || text.at(13) != QLatin1Char(':') || text.at(16) != QLatin1Char(':'))
        return std::nullopt;
    const int year = digitsAt(text, 0, 4);
    const int month = digitsAt(text, 5, 2);
    const int day = digitsAt(text, 8, 2);
    const int hour = digitsAt(text, 11, 2);
    const int minute = digitsAt(text, 14, 2);
    const int second = digitsAt(text, 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return std::nullopt;
    qint64 fraction = 0;
    if (size > 20) {
        const int count = int(size - 21);
        const int digits = text.at(19) == QLatin1Char('.') ? digitsAt(text, 20, count) : -1;
        if (digits < 0)
            return std::nullopt;
        fraction = digits;
        for (int i = count; i < 6; ++i)
            fraction *= 10;
    }
    const QDate date(year, month, day);
    if (!date.isValid())
        return std::nullopt;
    const qint64 days = date.toJulianDay() - QDate(1970, 1, 1).toJulianDay();
    return ((days * 86400 + hour * 3600 + minute * 60 + second) * 1000000) + fraction;
}

QJsonValue timeValue(qint64 micros)
{
    return QJsonValue(formatTime(micros));
}

QJsonValue nullableTimeValue(const std::optional<qint64> &micros)
{
    return micros ? timeValue(*micros) : QJsonValue(QJsonValue::Null);
}

} // namespace vesper
