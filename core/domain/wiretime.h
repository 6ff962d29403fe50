#pragma once
// Times on the wire: ISO 8601 UTC with microseconds ("2026-11-22T04:00:00.123456Z", as the backend's
// formatTime writes them), held in memory as microseconds since the Unix epoch.
#include <QJsonValue>
#include <QString>
#include <optional>

namespace vesper {

/// Strict "YYYY-MM-DDTHH:MM:SS[.f...]Z" (1 to 6 fraction digits) to micros; nullopt otherwise.
/// Read in UTC (common/clock.h), so the local time zone and its DST gaps cannot shift it.
std::optional<qint64> parseWireTime(const QString &text);
/// The wire text of micros, always 6 fraction digits.
QJsonValue timeValue(qint64 micros);
/// The same, or null.
QJsonValue nullableTimeValue(const std::optional<qint64> &micros);

} // namespace vesper
