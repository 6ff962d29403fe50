#include "jsonrows.h"

namespace vesper::test {

QStringList idsOf(const QList<QJsonObject> &rows)
{
    QStringList ids;
    for (const QJsonObject &row : rows)
        ids << row.value(QStringLiteral("id")).toString();
    return ids;
}

} // namespace vesper::test
