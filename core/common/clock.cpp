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
    // Split off the fraction ourselves: QDateTime keeps milliseconds only.
    QString base = text;
    qint64 fraction = 0;
    if (!base.endsWith(QLatin1Char('Z')))
        return -1;
    base.chop(1);
    const qsizetype dot = base.indexOf(QLatin1Char('.'));
    if (dot >= 0) {
        QString digits = base.mid(dot + 1);
        base.truncate(dot);
        if (digits.isEmpty() || digits.size() > 6)
            return -1;
        bool ok = false;
        fraction = digits.leftJustified(6, QLatin1Char('0')).toLongLong(&ok);
        if (!ok)
            return -1;
    }
    // Date and time read apart and joined in UTC: read as one local time first, a time that falls in
    // the local clock's DST gap would not exist and parse as invalid.
    if (base.size() != 19 || base.at(10) != QLatin1Char('T'))
        return -1;
    const QDate date = QDate::fromString(base.left(10), QStringLiteral("yyyy-MM-dd"));
    const QTime time = QTime::fromString(base.mid(11), QStringLiteral("HH:mm:ss"));
    if (!date.isValid() || !time.isValid())
        return -1;
    return QDateTime(date, time, Qt::UTC).toSecsSinceEpoch() * 1000000 + fraction;
}
} // namespace vesper
