#pragma once
// Reads typed fields of a JSON object for the domain codecs. The first problem is kept as an error
// naming its field ("outputs[2].width: expected a whole number or null"); later reads return defaults.
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper {

class JsonReader {
public:
    /// path prefixes field names in errors ("owner." gives "owner.id: missing").
    explicit JsonReader(const QJsonObject &object, const QString &path = QString());

    QString string(const char *key);
    /// null on the wire is nullopt.
    std::optional<QString> nullableString(const char *key);
    /// Absent is nullopt; present must be a string.
    std::optional<QString> optionalString(const char *key);
    /// A whole number (JSON numbers are doubles: 1.5 is refused).
    qint64 integer(const char *key);
    std::optional<qint64> nullableInteger(const char *key);
    std::optional<qint64> optionalInteger(const char *key);
    bool boolean(const char *key);
    /// Microseconds since the epoch from "2026-11-22T04:00:00.123456Z".
    qint64 time(const char *key);
    std::optional<qint64> nullableTime(const char *key);
    QJsonObject object(const char *key);
    QStringList stringList(const char *key);

    /// A required object decoded by T::fromJson; its errors are reported under key.
    template <typename T>
    T nested(const char *key);
    /// A nullable object decoded by T::fromJson.
    template <typename T>
    std::optional<T> nullableNested(const char *key);
    /// An array of T that may be absent (nullopt); each element decoded by T::fromJson.
    template <typename T>
    std::optional<QList<T>> optionalList(const char *key);

    bool contains(const char *key) const { return m_object.contains(QLatin1String(key)); }
    /// Records "<path><key>: <problem>" unless an earlier problem is recorded.
    void fail(const char *key, const QString &problem);
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    /// Copies the error into *error (when given) and returns ok().
    bool finish(QString *error) const;

private:
    QString fieldName(const char *key) const;
    /// The value, or undefined after recording "missing" (or nothing once an error is kept).
    QJsonValue required(const char *key);
    /// Records "<field>: <problem>" for a field path built by the caller.
    void failAt(const QString &field, const QString &problem);
    /// Records a nested codec's error ("id: missing") under field ("owner" gives "owner.id: missing").
    void failNested(const QString &field, const QString &nestedError);

    QJsonObject m_object;
    QString m_path;
    QString m_error;
};

template <typename T>
T JsonReader::nested(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return T();
    if (!value.isObject()) {
        fail(key, QStringLiteral("expected an object"));
        return T();
    }
    QString nestedError;
    std::optional<T> decoded = T::fromJson(value.toObject(), &nestedError);
    if (!decoded) {
        failNested(fieldName(key), nestedError);
        return T();
    }
    return std::move(*decoded);
}

template <typename T>
std::optional<T> JsonReader::nullableNested(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok() || value.isNull())
        return std::nullopt;
    if (!value.isObject()) {
        fail(key, QStringLiteral("expected an object or null"));
        return std::nullopt;
    }
    QString nestedError;
    std::optional<T> decoded = T::fromJson(value.toObject(), &nestedError);
    if (!decoded)
        failNested(fieldName(key), nestedError);
    return decoded;
}

template <typename T>
std::optional<QList<T>> JsonReader::optionalList(const char *key)
{
    if (!ok() || !contains(key))
        return std::nullopt;
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (!value.isArray()) {
        fail(key, QStringLiteral("expected an array"));
        return std::nullopt;
    }
    const QJsonArray array = value.toArray();
    QList<T> items;
    items.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString element = fieldName(key) + QLatin1Char('[') + QString::number(i) + QLatin1Char(']');
        if (!array.at(i).isObject()) {
            failAt(element, QStringLiteral("expected an object"));
            return std::nullopt;
        }
        QString nestedError;
        std::optional<T> decoded = T::fromJson(array.at(i).toObject(), &nestedError);
        if (!decoded) {
            failNested(element, nestedError);
            return std::nullopt;
        }
        items.append(std::move(*decoded));
    }
    return items;
}

} // namespace vesper
