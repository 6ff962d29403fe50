#pragma once
#include <QString>

namespace vesper {
/// A new UUIDv7 (RFC 9562): 48-bit millisecond time, then a per-process counter and random bits,
/// so ids made by one process sort by creation time.
QString newUuidV7();
/// Whether text is a canonical lowercase or uppercase 8-4-4-4-12 hex UUID.
bool isUuid(const QString &text);
}
