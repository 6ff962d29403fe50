#pragma once
// Reading the rows of a list reply: their ids, in order.
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace vesper::test {

/// The "id" of each row, in the order given.
QStringList idsOf(const QList<QJsonObject> &rows);

} // namespace vesper::test
