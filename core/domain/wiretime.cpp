#include "domain/wiretime.h"
#include "common/clock.h"


namespace vesper {
std::optional<qint64> parseWireTime(const QString &text)
{
    // common/clock's parser reads date and time apart and joins them in UTC, so no local DST gap
    // shifts it; -1 is its "not a time".
    const qint64 micros = parseTime(text);
    return micros == -1 ? std::nullopt : std::optional<qint64>(micros);
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
