#pragma once
// Request bodies written by hand: a JSON object as the compact bytes a client would send.
#include <QByteArray>
#include <QJsonObject>

namespace vesper::test {

/// The object serialised without whitespace.
QByteArray compact(const QJsonObject &object);

} // namespace vesper::test
