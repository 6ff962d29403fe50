#pragma once
// The fixture of the tst_api_badinput_* suites: a server (known JWT secret, no rate limits) with an owner
// and an editor member on one shared project and its first session; request templates with %PROJECT%,
// %SESSION%, %MEMBER_EMAIL% and %MEMBER_ID% filled in, and a snapshot of the state a refused request must
// leave as it was.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <memory>

namespace vesper::test {

/// The server's VESPER_JWT_SECRET, for forging tokens.
extern const QByteArray kJwtSecret;

/// A test class derives from it (after QObject) so its tests read the fixture as members.
class BadInputFixture {
protected:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    int m_users = 0;
    TestUser m_owner, m_member;
    QString m_project, m_session;

    /// Starts the server and builds the project; fails the current test otherwise.
    void startServer();
    void stopServer();

    TestUser newUser(const QString &tag, const QString &displayName = QString());
    int projectCount(const TestUser &user);
    int sessionCount(const TestUser &user, const QString &projectId);
    QByteArray fill(QByteArray body) const;
    QString fill(QString path) const;
    /// The five JSON-body endpoints, as method and path.
    static QList<QPair<QByteArray, QString>> bodyEndpoints();
    /// State that a refused request must leave as it was.
    QByteArray snapshot();
    /// The server still answers, still serves the fixture project, and its project stats have not drifted.
    void checkServerStillHealthy();
};

} // namespace vesper::test
