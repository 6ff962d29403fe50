#include "common/clock.h"

#include <QDateTime>

#include <chrono>

namespace vesper {
qint64 nowMicros()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void formatTimeAscii(qint64 micros, char *buffer)
{
    // Hand-rolled: this runs for every time field of every row served, and QDateTime::toString
    // parses its format string on each call.
    qint64 seconds = micros / 1000000;
    qint64 fraction = micros % 1000000;
    if (fraction < 0) {
        fraction += 1000000;
        --seconds;
    }
    qint64 days = seconds / 86400;
    qint64 rest = seconds % 86400;
    if (rest < 0) {
        rest += 86400;
        --days;
    }
    // Civil date from days since 1970-01-01 (H. Hinnant's days_from_civil inverse).
    const qint64 z = days + 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    const qint64 day = doy - (153 * mp + 2) / 5 + 1;
    const qint64 month = mp < 10 ? mp + 3 : mp - 9;
    const qint64 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    auto digits = [&buffer](int at, qint64 value, int count) {
        for (int i = at + count - 1; i >= at; --i, value /= 10)
            buffer[i] = char('0' + value % 10);
    };
    digits(0, year, 4);
    buffer[4] = '-';
    digits(5, month, 2);
    buffer[7] = '-';
    digits(8, day, 2);
    buffer[10] = 'T';
    digits(11, rest / 3600, 2);
    buffer[13] = ':';
    digits(14, rest / 60 % 60, 2);
    buffer[16] = ':';
    digits(17, rest % 60, 2);
    buffer[19] = '.';
    digits(20, fraction, 6);
    buffer[26] = 'Z';
}

QString formatTime(qint64 micros)
{
    char buffer[27];
    formatTimeAscii(micros, buffer);
    return QString::fromLatin1(buffer, 27);
}

qint64 parseTime(const QString &text)
{
    // "YYYY-MM-DDTHH:MM:SS[.f{1,6}]Z", read by hand: the sync applies hundreds of thousands of rows
    // and QDate/QTime::fromString cost more than the rest of a row's decoding. Date and time are
    // joined in UTC arithmetic, so no local clock (or its DST gap) can shift or reject a time.
    const qsizetype n = text.size();
    if (n < 20 || n > 27 || text.at(n - 1) != QLatin1Char('Z'))
        return -1;
    const QChar *c = text.constData();
    auto digits = [c](qsizetype from, qsizetype count, int *out) {
        int value = 0;
        for (qsizetype i = from; i < from + count; ++i) {
            const char16_t ch = c[i].unicode();
            if (ch < u'0' || ch > u'9')
                return false;
            value = value * 10 + (ch - u'0');
        }
        *out = value;
        return true;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (c[4] != QLatin1Char('-') || c[7] != QLatin1Char('-') || c[10] != QLatin1Char('T') || c[13] != QLatin1Char(':')
        || c[16] != QLatin1Char(':') || !digits(0, 4, &year) || !digits(5, 2, &month) || !digits(8, 2, &day)
        || !digits(11, 2, &hour) || !digits(14, 2, &minute) || !digits(17, 2, &second))
        return -1;
    qint64 fraction = 0;
    if (n > 20) {
        // A dot and 1 to 6 digits, scaled to microseconds.
        const qsizetype count = n - 21;
        int value = 0;
        if (c[19] != QLatin1Char('.') || count < 1 || count > 6 || !digits(20, count, &value))
            return -1;
        fraction = value;
        for (qsizetype i = count; i < 6; ++i)
            fraction *= 10;
    }
    if (hour > 23 || minute > 59 || second > 59 || !QDate::isValid(year, month, day))
        return -1;
    const qint64 days = QDate(year, month, day).toJulianDay() - 2440588; // 1970-01-01
    return ((days * 24 + hour) * 60 + minute) * 60000000LL + second * 1000000LL + fraction;
}
} // namespace vesper
