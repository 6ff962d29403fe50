#pragma once
// One vesper-server for generation tests, with a signed-up owner and the first session of a new
// shared project, plus the polls and sums those tests repeat: credits, ledger, wait until finished.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <memory>

namespace vesper::test {

/// A fresh idempotency key.
QString newClientId();

/// The body of POST /api/generate.
QJsonObject generateBody(const QString &sessionId, const QString &clientId, int numOutputs = 1,
                         const QString &aspectRatio = QStringLiteral("1:1"), const QString &resolution = QStringLiteral("512"),
                         const QString &modelId = QStringLiteral("sketch"),
                         const QString &prompt = QStringLiteral("a lighthouse at dusk, watercolour"));

struct GenerationFixture {
    std::unique_ptr<TestServer> server;
    std::unique_ptr<TestClient> client;
    std::unique_ptr<TestData> data;
    TestUser owner;
    QString projectId, sessionId;
    int users = 0;

    /// Starts the server with env added and sets up the owner and session; false with a message.
    bool start(const QHash<QString, QString> &env, QString *error);
    /// The first session of a new shared project owned by user.
    QString sessionFor(const TestUser &user);
    /// The server's log lines other than the access log (the last 20), for failure messages.
    QString serverLog() const;
    TestUser newUser(const QString &tag);
    qint64 credits(const TestUser &user);
    /// The sum of the user's credit ledger (must equal credits()).
    qint64 ledger(const TestUser &user);
    /// Polls the status call until the generation has finished; its last status object.
    QJsonObject waitFinished(const TestUser &user, const QString &id, int timeoutMs = 30000);
    /// The generation's status object now (empty when not visible).
    QJsonObject status(const TestUser &user, const QString &id);
};

} // namespace vesper::test
