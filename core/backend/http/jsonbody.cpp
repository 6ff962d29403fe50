#include "backend/http/jsonbody.h"
#include "domain/domainerror.h"
#include "backend/http/httpmessage.h"
#include "common/uuid.h"
#include "domain/textrules.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace vesper::backend::jsonbody {

QJsonObject object(const HttpRequest &request)
{
    if (request.body.trimmed().isEmpty())
        throw DomainError::validation(QStringLiteral("request body must be a JSON object"));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError)
        throw DomainError::validation(QStringLiteral("malformed JSON at offset %1: %2").arg(error.offset).arg(error.errorString()));
    if (!document.isObject())
        throw DomainError::validation(QStringLiteral("request body must be a JSON object"));
    return document.object();
}

std::optional<QString> optionalString(const QJsonObject &body, const QString &key, int maxLength)
{
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isString())
        throw DomainError::validation(QStringLiteral("%1 must be a string").arg(key));
    const QString text = value.toString().trimmed();
    if (text.contains(QChar(0)))
        throw DomainError::validation(QStringLiteral("%1 must not contain a NUL character").arg(key));
    if (text.size() > maxLength)
        throw DomainError::validation(QStringLiteral("%1 is longer than %2 characters").arg(key).arg(maxLength));
    return text;
}

QString requiredString(const QJsonObject &body, const QString &key, int minLength, int maxLength)
{
    const auto text = optionalString(body, key, maxLength);
    if (!text)
        throw DomainError::validation(QStringLiteral("%1 is required").arg(key));
    if (text->size() < minLength)
        throw DomainError::validation(QStringLiteral("%1 must have at least %2 characters").arg(key).arg(minLength));
    return *text;
}

std::optional<QString> optionalName(const QJsonObject &body, const QString &key, int maxLength)
{
    const auto text = optionalString(body, key, maxLength);
    if (text) {
        const QString problem = textrules::nameProblem(*text);
        if (!problem.isEmpty())
            throw DomainError::validation(key + QLatin1Char(' ') + problem);
    }
    return text;
}

QString requiredName(const QJsonObject &body, const QString &key, int maxLength)
{
    const QString text = requiredString(body, key, 1, maxLength);
    const QString problem = textrules::nameProblem(text);
    if (!problem.isEmpty())
        throw DomainError::validation(key + QLatin1Char(' ') + problem);
    return text;
}

std::optional<bool> optionalBool(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isBool())
        throw DomainError::validation(QStringLiteral("%1 must be true or false").arg(key));
    return value.toBool();
}

QString requiredId(const QJsonObject &body, const QString &key)
{
    const QJsonValue value = body.value(key);
    if (!value.isString() || !isUuid(value.toString()))
        throw DomainError::validation(QStringLiteral("%1 must be an id").arg(key));
    return value.toString().toLower();
}

int queryInt(const HttpRequest &request, const QString &key, int fallback, int min, int max)
{
    if (!request.hasQuery(key))
        return fallback;
    bool ok = false;
    const int value = request.queryValue(key).toInt(&ok);
    if (!ok || value < min || value > max)
        throw DomainError::validation(QStringLiteral("%1 must be a whole number from %2 to %3").arg(key).arg(min).arg(max));
    return value;
}

QString queryId(const HttpRequest &request, const QString &key)
{
    const QString value = request.queryValue(key);
    if (!isUuid(value))
        throw DomainError::validation(QStringLiteral("%1 must be an id").arg(key));
    return value.toLower();
}

std::optional<Cursor> queryCursor(const HttpRequest &request)
{
    const QString text = request.queryValue(QStringLiteral("cursor"));
    if (text.isEmpty())
        return std::nullopt;
    auto cursor = Cursor::decode(text);
    if (!cursor)
        throw DomainError::validation(QStringLiteral("cursor is malformed"));
    return cursor;
}

} // namespace vesper::backend::jsonbody
