#include "testclient.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace vesper::test {

TestClient::TestClient(QString baseUrl)
    : m_base(std::move(baseUrl))
    , m_manager(new QNetworkAccessManager)
{
}

TestClient::~TestClient()
{
    delete m_manager;
}

Reply TestClient::send(const QByteArray &method, const QString &path, const QByteArray &body, const QString &token,
                       const QHash<QByteArray, QByteArray> &headers)
{
    QNetworkRequest request(QUrl(m_base + path));
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    if (!body.isEmpty() || method == "POST" || method == "PATCH" || method == "PUT")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    for (auto it = headers.begin(); it != headers.end(); ++it)
        request.setRawHeader(it.key(), it.value());
    QNetworkReply *reply = m_manager->sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    loop.exec();
    Reply result;
    if (!reply->isFinished()) {
        reply->abort();
        result.networkError = QStringLiteral("timeout");
    }
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    for (const auto &pair : reply->rawHeaderPairs())
        result.headers.insert(pair.first.toLower(), pair.second);
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    result.json = QJsonDocument::fromJson(result.body).object();
    reply->deleteLater();
    return result;
}

Reply TestClient::post(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

Reply TestClient::patch(const QString &path, const QJsonObject &body, const QString &token)
{
    return send("PATCH", path, QJsonDocument(body).toJson(QJsonDocument::Compact), token);
}

TestUser TestClient::signUp(const QString &email, const QString &password, const QString &displayName)
{
    QJsonObject body{{QStringLiteral("email"), email}, {QStringLiteral("password"), password}};
    if (!displayName.isEmpty())
        body.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("display_name"), displayName}});
    const Reply reply = post(QStringLiteral("/auth/v1/signup"), body);
    TestUser user;
    user.email = email;
    user.password = password;
    if (reply.status != 200 && reply.status != 201)
        return user;
    user.id = reply.json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
    user.accessToken = reply.json.value(QStringLiteral("access_token")).toString();
    user.refreshToken = reply.json.value(QStringLiteral("refresh_token")).toString();
    return user;
}

} // namespace vesper::test
