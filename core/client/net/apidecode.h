#pragma once
// Turns a JSON answer into domain values for ApiClient: one object, a list under a key, or a keyset
// page. A missing or mistyped field becomes a BadResponse naming the field, never a crash.
#include "client/net/apierror.h"
#include "client/net/apitypes.h"

#include <QJsonArray>
#include <QJsonObject>

namespace vesper::client::apidecode {

template <class T>
ApiResult<T> one(const ApiResult<QJsonObject> &answer)
{
    ApiResult<T> result;
    result.error = answer.error;
    if (!answer.ok())
        return result;
    QString problem;
    std::optional<T> value = T::fromJson(answer.value, &problem);
    if (!value)
        result.error = ApiError::badResponse(problem);
    else
        result.value = std::move(*value);
    return result;
}

/// The array at key, each element decoded by T::fromJson; errors name "key[i].field".
template <class T>
ApiResult<QList<T>> list(const ApiResult<QJsonObject> &answer, const QString &key)
{
    ApiResult<QList<T>> result;
    result.error = answer.error;
    if (!answer.ok())
        return result;
    const QJsonValue array = answer.value.value(key);
    if (!array.isArray()) {
        result.error = ApiError::badResponse(QStringLiteral("%1: expected an array").arg(key));
        return result;
    }
    const QJsonArray items = array.toArray();
    result.value.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        QString problem = QStringLiteral("expected an object");
        std::optional<T> value = items.at(i).isObject() ? T::fromJson(items.at(i).toObject(), &problem) : std::nullopt;
        if (!value) {
            result.error = ApiError::badResponse(QStringLiteral("%1[%2]: %3").arg(key).arg(i).arg(problem));
            result.value.clear();
            return result;
        }
        result.value.append(std::move(*value));
    }
    return result;
}

/// {data: [...], nextCursor: string|null, hasMore: bool}
template <class T>
ApiResult<Page<T>> page(const ApiResult<QJsonObject> &answer)
{
    ApiResult<Page<T>> result;
    const ApiResult<QList<T>> items = list<T>(answer, QStringLiteral("data"));
    result.error = items.error;
    if (!items.ok())
        return result;
    const QJsonValue cursor = answer.value.value(QStringLiteral("nextCursor"));
    const QJsonValue more = answer.value.value(QStringLiteral("hasMore"));
    if (!(cursor.isString() || cursor.isNull() || cursor.isUndefined()) || !(more.isBool() || more.isUndefined())) {
        result.error = ApiError::badResponse(QStringLiteral("nextCursor or hasMore: wrong type"));
        return result;
    }
    result.value.items = items.value;
    result.value.nextCursor = cursor.toString();
    result.value.hasMore = more.isBool() ? more.toBool() : !result.value.nextCursor.isEmpty();
    return result;
}

} // namespace vesper::client::apidecode
