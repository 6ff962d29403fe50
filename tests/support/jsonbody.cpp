#include "jsonbody.h"

#include <QJsonDocument>

namespace vesper::test {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace vesper::test
