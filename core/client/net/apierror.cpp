#include "client/net/apierror.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace vesper::client {

bool ApiError::isTransient() const
{
    switch (kind) {
    case Kind::Offline:
    case Kind::Network:
    case Kind::Timeout:
        return true;
    case Kind::Http:
        return status == 429 || status >= 500;
    default:
        return false;
    }
}

ApiError ApiError::badResponse(const QString &what)
{
    ApiError error;
    error.kind = Kind::BadResponse;
    error.message = QStringLiteral("The server sent an answer this app cannot read: %1.").arg(what);
    return error;
}

ApiError ApiError::notSignedIn(const QString &why)
{
    ApiError error;
    error.kind = Kind::NotSignedIn;
    error.status = 401;
    error.code = QStringLiteral("UNAUTHORIZED");
    error.message = why;
    return error;
}

ApiError ApiError::fromResponse(const HttpResponse &response)
{
    ApiError error;
    using Failure = net::CurlResponse::Failure;
    switch (response.failure) {
    case Failure::None:
        break;
    case Failure::Cancelled:
        error.kind = Kind::Cancelled;
        error.message = QStringLiteral("The request was cancelled.");
        return error;
    case Failure::Timeout:
        error.kind = Kind::Timeout;
        error.message = QStringLiteral("The server did not answer in time (%1).").arg(response.error);
        return error;
    case Failure::TooLarge:
        return badResponse(response.error);
    case Failure::Network:
    case Failure::Setup:
        error.kind = response.offline ? Kind::Offline : Kind::Network;
        error.message = response.offline ? QStringLiteral("You are offline: the server could not be reached recently.")
                                         : QStringLiteral("The connection to the server failed: %1.").arg(response.error);
        return error;
    }
    if (response.status >= 200 && response.status < 300)
        return error;
    error.kind = Kind::Http;
    error.status = response.status;
    error.retryAfterSeconds = net::retryAfterSeconds(response.headers.value("retry-after"));
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    if (document.isObject()) {
        error.body = document.object();
        // Vesper's {error, code}; GoTrue's {error, error_description, error_code} (code may be a number
        // on Supabase) or {msg}; Supabase's gateway's {message} ("No API key found in request").
        const QJsonValue code = error.body.value(QStringLiteral("code"));
        error.code = code.isString() ? code.toString() : error.body.value(QStringLiteral("error_code")).toString();
        const QString description = error.body.value(QStringLiteral("error_description")).toString();
        const QJsonValue text = error.body.value(QStringLiteral("error"));
        const QString msg = error.body.value(QStringLiteral("msg")).toString();
        const QString message = error.body.value(QStringLiteral("message")).toString();
        error.message = !description.isEmpty() ? description : text.isString() ? text.toString() : !msg.isEmpty() ? msg : message;
    }
    if (error.message.isEmpty())
        error.message = QStringLiteral("The server answered HTTP %1.").arg(response.status);
    return error;
}

QString describe(const ApiError &error)
{
    static const char *const names[] = {"None", "Offline", "Network", "Timeout", "Cancelled", "Http", "BadResponse", "NotSignedIn"};
    QString text = QString::fromLatin1(names[int(error.kind)]);
    if (error.status)
        text += QLatin1Char(' ') + QString::number(error.status);
    if (!error.code.isEmpty())
        text += QLatin1Char(' ') + error.code;
    return text + QStringLiteral(": ") + error.message;
}

} // namespace vesper::client
