// Issue 13 item 9: /metrics is not open to anyone. With a metrics token set (VESPER_METRICS_TOKEN) it
// answers only `Authorization: Bearer <that token>`; without one it is open only on a server that
// listens on loopback, and refused on one that listens beyond it.
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QTest>
#include <memory>

using namespace vesper::test;

namespace {
const QString kToken = QStringLiteral("metrics-token-for-the-scraper-0123456789");

Reply metrics(TestClient &client, const QByteArray &authorization = {})
{
    QHash<QByteArray, QByteArray> headers;
    if (!authorization.isEmpty())
        headers.insert("Authorization", authorization);
    return client.send("GET", QStringLiteral("/metrics"), {}, {}, headers);
}
} // namespace

class TestApiMetricsAccess : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<TestServer> start(const QString &token, const QStringList &args = {})
    {
        auto server = std::make_unique<TestServer>();
        if (!token.isEmpty())
            server->setEnv(QStringLiteral("VESPER_METRICS_TOKEN"), token);
        QString error;
        if (!server->start(&error, args)) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        return server;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString reason;
        if (!TestServer::available(&reason))
            QSKIP(qPrintable(reason));
    }

    void tokenIsRequiredWhenSet()
    {
        const auto server = start(kToken);
        QVERIFY(server);
        TestClient client(server->baseUrl());
        const QByteArray token = kToken.toLatin1();
        for (const QByteArray &wrong : {QByteArray(), QByteArray("Bearer nope"), QByteArray("Bearer " + token.chopped(1)),
                                        QByteArray("Basic " + token)}) {
            const Reply refused = metrics(client, wrong);
            EXPECT_STATUS(refused, 401);
            QVERIFY2(!refused.body.contains("vesper_"), qPrintable(describe(refused)));
        }
        const Reply allowed = metrics(client, QByteArray("Bearer " + token));
        EXPECT_STATUS(allowed, 200);
        QVERIFY2(allowed.body.contains("# TYPE"), qPrintable(describe(allowed)));
        EXPECT_STATUS(client.get(QStringLiteral("/healthz")), 200); // liveness stays open
    }

    void openOnLoopbackWithoutToken()
    {
        const auto server = start(QString());
        QVERIFY(server);
        TestClient client(server->baseUrl());
        EXPECT_STATUS(metrics(client), 200);
    }

    void refusedBeyondLoopbackWithoutToken()
    {
        const auto server = start(QString(), {QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0")});
        QVERIFY(server);
        TestClient client(server->baseUrl());
        const Reply refused = metrics(client);
        EXPECT_STATUS(refused, 403);
        QVERIFY2(refused.json.value(QStringLiteral("error")).toString().contains(QStringLiteral("VESPER_METRICS_TOKEN")),
                 qPrintable(describe(refused)));
        EXPECT_STATUS(client.get(QStringLiteral("/healthz")), 200);
    }
};

QTEST_GUILESS_MAIN(TestApiMetricsAccess)
#include "tst_api_metricsaccess.moc"
