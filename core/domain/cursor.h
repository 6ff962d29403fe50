#pragma once
// A page cursor: the exact sort key of the last row returned (full-precision time and id), so the
// next page starts strictly after it and rows that share a time are neither skipped nor repeated.
#include <QString>
#include <optional>

namespace vesper {

struct Cursor {
    qint64 timeMicros = 0;
    QString id;

    /// Opaque text for clients: base64url of "v1:<micros>:<id>".
    QString encode() const;
    /// Decodes a cursor made by encode(); anything else (garbage, wrong id shape) is nullopt.
    static std::optional<Cursor> decode(const QString &text);
};

} // namespace vesper
