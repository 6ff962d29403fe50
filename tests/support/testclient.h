#pragma once
// A blocking HTTP client for tests, on QNetworkAccessManager, plus the sign-up shortcut every API
// test uses to get a user and a token.
#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>

class QNetworkAccessManager;

namespace vesper::test {

struct Reply {
    int status = 0;
    QByteArray body;
    QJsonObject json;                        // body parsed as an object, when it is one
    QHash<QByteArray, QByteArray> headers;   // lower-case names
    QString networkError;

    QJsonArray data() const { return json.value(QStringLiteral("data")).toArray(); }
    QString code() const { return json.value(QStringLiteral("code")).toString(); }
};

struct TestUser {
    QString id;
    QString email;
    QString password;
    QString accessToken;
    QString refreshToken;
};

class TestClient {
public:
    explicit TestClient(QString baseUrl);
    ~TestClient();

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {}, const QString &token = {},
               const QHash<QByteArray, QByteArray> &headers = {});
    Reply get(const QString &path, const QString &token = {}) { return send("GET", path, {}, token); }
    Reply post(const QString &path, const QJsonObject &body, const QString &token = {});
    Reply patch(const QString &path, const QJsonObject &body, const QString &token = {});
    Reply del(const QString &path, const QString &token = {}) { return send("DELETE", path, {}, token); }

    /// Signs up a new user (the server runs with VESPER_ALLOW_SIGNUP=1); empty id on failure.
    TestUser signUp(const QString &email, const QString &password = QStringLiteral("correct horse battery"),
                    const QString &displayName = QString());

private:
    QString m_base;
    QNetworkAccessManager *m_manager;
};

} // namespace vesper::test
