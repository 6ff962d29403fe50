#pragma once
// Small constructors for the JSON answers every route gives.
#include "backend/http/httpmessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

inline HttpResponse jsonResponse(int status, const QJsonObject &object)
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return response;
}

inline HttpResponse noContent()
{
    HttpResponse response;
    response.status = 204;
    response.contentType.clear();
    return response;
}

/// A list page: {data, nextCursor, hasMore}.
inline QJsonObject pageObject(const QJsonArray &data, const QString &nextCursor)
{
    return QJsonObject{{QStringLiteral("data"), data},
                       {QStringLiteral("nextCursor"), nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(nextCursor)},
                       {QStringLiteral("hasMore"), !nextCursor.isEmpty()}};
}

} // namespace vesper::backend
