#include "common/clock.h"

#include <QDateTime>

#include <chrono>

namespace vesper {
qint64 nowMicros()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

QString formatTime(qint64 micros)
{
    qint64 seconds = micros / 1000000;
    qint64 fraction = micros % 1000000;
    if (fraction < 0) {
        fraction += 1000000;
        --seconds;
    }
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC);
    return dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('.')
        + QStringLiteral("%1").arg(fraction, 6, 10, QLatin1Char('0')) + QLatin1Char('Z');
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
    QDateTime dt = QDateTime::fromString(base, QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    if (!dt.isValid())
        return -1;
    dt.setTimeSpec(Qt::UTC);
    return dt.toSecsSinceEpoch() * 1000000 + fraction;
}
} // namespace vesper
