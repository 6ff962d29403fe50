#pragma once
// Time is carried as integer microseconds since the Unix epoch (UTC) everywhere in the code base.
#include <QString>
#include <QtGlobal>

namespace vesper {
qint64 nowMicros();
/// ISO 8601 with microseconds and a trailing Z: "2026-11-22T04:00:00.123456Z".
QString formatTime(qint64 micros);
/// The same 27 ASCII characters written into out (no terminator), for writers of millions of times.
void formatTimeAscii(qint64 micros, char *out);
/// Parses formatTime's output (and plain ISO with fewer digits); returns -1 when it is not a time.
qint64 parseTime(const QString &text);
}
