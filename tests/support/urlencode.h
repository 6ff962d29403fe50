#pragma once
// Percent-encoding of values put into request paths and query strings (cursors, odd ids).
#include <QString>

namespace vesper::test {

/// The text percent-encoded as one URL component.
QString enc(const QString &text);

} // namespace vesper::test
