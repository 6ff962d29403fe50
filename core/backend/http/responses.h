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

/// A body written elsewhere (JsonWriter) as a JSON response.
inline HttpResponse rawJsonResponse(int status, QByteArray body)
{
    HttpResponse response;
    response.status = status;
    response.body = std::move(body);
    return response;
}

/// A list page around a JSON array written elsewhere: {"data":[...],"nextCursor":...,"hasMore":...}.
inline QByteArray pageJson(const QByteArray &dataArray, const QString &nextCursor)
{
    QByteArray out;
    out.reserve(dataArray.size() + 160);
    out.append("{\"data\":").append(dataArray).append(",\"nextCursor\":");
    if (nextCursor.isEmpty())
        out.append("null,\"hasMore\":false}");
    else
        out.append('"').append(nextCursor.toLatin1()).append("\",\"hasMore\":true}"); // base64url: no escaping needed
    return out;
}

/// A list page: {data, nextCursor, hasMore}.
inline QJsonObject pageObject(const QJsonArray &data, const QString &nextCursor)
{
    return QJsonObject{{QStringLiteral("data"), data},
                       {QStringLiteral("nextCursor"), nextCursor.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(nextCursor)},
                       {QStringLiteral("hasMore"), !nextCursor.isEmpty()}};
}

} // namespace vesper::backend
