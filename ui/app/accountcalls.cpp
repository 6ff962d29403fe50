#include "ui/app/accountcalls.h"

#include "client/auth/authsession.h"
#include "client/net/apierror.h"
#include "client/net/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::ui {

namespace {

QString trimmedUrl(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

client::HttpClientOptions quickOptions()
{
    client::HttpClientOptions options;
    options.connectTimeoutMs = 5000;
    options.maxAttempts = 2;
    return options;
}

QString serverMessage(const client::HttpResponse &response)
{
    const QJsonObject body = QJsonDocument::fromJson(response.body).object();
    for (const char *key : {"msg", "message", "error_description", "error"}) {
        const QJsonValue value = body.value(QLatin1String(key));
        if (value.isString() && !value.toString().isEmpty())
            return value.toString();
        if (value.isObject() && value.toObject().value(QStringLiteral("message")).isString())
            return value.toObject().value(QStringLiteral("message")).toString();
    }
    return client::describe(client::ApiError::fromResponse(response));
}

AccountCallResult fromSession(client::AuthSession &session, const client::ApiError &error)
{
    AccountCallResult result;
    result.ok = error.ok();
    if (!result.ok) {
        result.error = error.message.isEmpty() ? client::describe(error) : error.message;
        return result;
    }
    result.email = session.email();
    result.userId = session.userId();
    result.persisted = session.persisted();
    return result;
}

} // namespace

bool signupAllowed(const QString &serverUrl, QString *error)
{
    client::HttpClient http(quickOptions());
    client::HttpRequest request;
    request.url = trimmedUrl(serverUrl) + QStringLiteral("/auth/v1/settings");
    request.timeoutSeconds = 10;
    const client::HttpResponse response = http.call(request);
    if (response.status != 200) {
        if (error)
            *error = response.status == 0 ? QObject::tr("The server at %1 does not answer.").arg(serverUrl) : serverMessage(response);
        return false;
    }
    return !QJsonDocument::fromJson(response.body).object().value(QStringLiteral("disable_signup")).toBool(true);
}

AccountCallResult signUpAccount(const QString &serverUrl, const QString &email, const QString &password)
{
    client::HttpClient http(quickOptions());
    client::HttpRequest request;
    request.method = "POST";
    request.url = trimmedUrl(serverUrl) + QStringLiteral("/auth/v1/signup");
    request.contentType = "application/json";
    request.idempotent = false;
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}})
                       .toJson(QJsonDocument::Compact);
    const client::HttpResponse response = http.call(request);
    AccountCallResult result;
    if (response.status == 200 || response.status == 201) {
        result.ok = true;
        return result;
    }
    result.error = response.status == 0 ? QObject::tr("The server at %1 does not answer.").arg(serverUrl)
                                        : QObject::tr("The server refused the new account: %1").arg(serverMessage(response));
    return result;
}

AccountCallResult signInAccount(const QString &serverUrl, const QString &email, const QString &password,
                                const QString &keychainService)
{
    client::HttpClient http(quickOptions());
    client::AuthSession session(&http, trimmedUrl(serverUrl));
    session.setKeychainService(keychainService);
    return fromSession(session, session.signIn(email, password));
}

AccountCallResult restoreAccount(const QString &serverUrl, const QString &email, const QString &keychainService)
{
    client::HttpClient http(quickOptions());
    client::AuthSession session(&http, trimmedUrl(serverUrl));
    session.setKeychainService(keychainService);
    return fromSession(session, session.restore(email));
}

} // namespace vesper::ui
