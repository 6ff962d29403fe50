#pragma once
// Reading request bodies and query strings with strict types: every failure is a 400 that names
// the field, so a client learns exactly what it sent wrong.
#include "domain/cursor.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper::backend {

struct HttpRequest;

namespace jsonbody {
/// The body as a JSON object; 400 for empty, broken or non-object JSON.
QJsonObject object(const HttpRequest &request);
/// A required string of length [minLength, maxLength] after trimming.
QString requiredString(const QJsonObject &body, const QString &key, int minLength, int maxLength);
/// An optional string (absent or null is nullopt); wrong type or length is a 400.
std::optional<QString> optionalString(const QJsonObject &body, const QString &key, int maxLength);
/// An optional name (absent or null is nullopt): a string as optionalString that also refuses
/// control and text-direction characters (domain/textrules.h) with a 400 naming the field.
std::optional<QString> optionalName(const QJsonObject &body, const QString &key, int maxLength);
/// A required name of 1 to maxLength characters after trimming, as optionalName.
QString requiredName(const QJsonObject &body, const QString &key, int maxLength);
std::optional<bool> optionalBool(const QJsonObject &body, const QString &key);
/// A required UUID string.
QString requiredId(const QJsonObject &body, const QString &key);
/// A query-string integer in [min, max], or fallback when absent; 400 otherwise.
int queryInt(const HttpRequest &request, const QString &key, int fallback, int min, int max);
/// A required UUID from the query string.
QString queryId(const HttpRequest &request, const QString &key);
/// The `cursor` query parameter: nullopt when absent or empty, 400 when malformed.
std::optional<Cursor> queryCursor(const HttpRequest &request);
}

} // namespace vesper::backend
