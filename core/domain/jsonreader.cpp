#include "domain/jsonreader.h"
#include "domain/wiretime.h"

#include <cmath>

namespace vesper {
namespace {
constexpr double kMaxExactInteger = 9007199254740992.0; // 2^53: beyond it a double skips integers

/// The whole number in value, or nullopt when it is not a number or has a fraction.
std::optional<qint64> wholeNumber(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (std::trunc(number) != number || std::fabs(number) > kMaxExactInteger)
        return std::nullopt;
    return value.toInteger(qint64(number));
}
} // namespace

JsonReader::JsonReader(const QJsonObject &object, const QString &path)
    : m_object(object)
    , m_path(path)
{
}

QString JsonReader::fieldName(const char *key) const
{
    return m_path + QLatin1String(key);
}

void JsonReader::fail(const char *key, const QString &problem)
{
    failAt(fieldName(key), problem);
}

void JsonReader::failAt(const QString &field, const QString &problem)
{
    if (ok())
        m_error = field + QLatin1String(": ") + problem;
}

void JsonReader::failNested(const QString &field, const QString &nestedError)
{
    if (nestedError.isEmpty())
        failAt(field, QStringLiteral("invalid"));
    else if (ok())
        m_error = field + QLatin1Char('.') + nestedError;
}

bool JsonReader::finish(QString *error) const
{
    if (error && !ok())
        *error = m_error;
    return ok();
}

QJsonValue JsonReader::required(const char *key)
{
    if (!ok())
        return QJsonValue(QJsonValue::Undefined);
    const QJsonValue value = m_object.value(QLatin1String(key));
    if (value.isUndefined())
        fail(key, QStringLiteral("missing"));
    return value;
}

QString JsonReader::string(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return QString();
    if (!value.isString())
        fail(key, QStringLiteral("expected a string"));
    return value.toString();
}

std::optional<QString> JsonReader::nullableString(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok() || value.isNull())
        return std::nullopt;
    if (!value.isString()) {
        fail(key, QStringLiteral("expected a string or null"));
        return std::nullopt;
    }
    return value.toString();
}

std::optional<QString> JsonReader::optionalString(const char *key)
{
    if (!ok() || !contains(key))
        return std::nullopt;
    return string(key);
}

qint64 JsonReader::integer(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return 0;
    const std::optional<qint64> number = wholeNumber(value);
    if (!number)
        fail(key, QStringLiteral("expected a whole number"));
    return number.value_or(0);
}

std::optional<qint64> JsonReader::nullableInteger(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok() || value.isNull())
        return std::nullopt;
    const std::optional<qint64> number = wholeNumber(value);
    if (!number)
        fail(key, QStringLiteral("expected a whole number or null"));
    return number;
}

std::optional<qint64> JsonReader::optionalInteger(const char *key)
{
    if (!ok() || !contains(key))
        return std::nullopt;
    const qint64 number = integer(key);
    return ok() ? std::optional<qint64>(number) : std::nullopt;
}

bool JsonReader::boolean(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return false;
    if (!value.isBool())
        fail(key, QStringLiteral("expected true or false"));
    return value.toBool();
}

qint64 JsonReader::time(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return 0;
    const std::optional<qint64> micros = value.isString() ? parseWireTime(value.toString()) : std::nullopt;
    if (!micros)
        fail(key, QStringLiteral("expected a UTC time like 2026-11-22T04:00:00.123456Z"));
    return micros.value_or(0);
}

std::optional<qint64> JsonReader::nullableTime(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok() || value.isNull())
        return std::nullopt;
    const std::optional<qint64> micros = value.isString() ? parseWireTime(value.toString()) : std::nullopt;
    if (!micros)
        fail(key, QStringLiteral("expected a UTC time like 2026-11-22T04:00:00.123456Z, or null"));
    return micros;
}

QJsonObject JsonReader::object(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return QJsonObject();
    if (!value.isObject())
        fail(key, QStringLiteral("expected an object"));
    return value.toObject();
}

QStringList JsonReader::stringList(const char *key)
{
    const QJsonValue value = required(key);
    if (!ok())
        return QStringList();
    if (!value.isArray()) {
        fail(key, QStringLiteral("expected an array of strings"));
        return QStringList();
    }
    QStringList list;
    const QJsonArray array = value.toArray();
    for (const QJsonValue &item : array) {
        if (!item.isString()) {
            fail(key, QStringLiteral("expected an array of strings"));
            return QStringList();
        }
        list.append(item.toString());
    }
    return list;
}

} // namespace vesper
