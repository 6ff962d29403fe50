// ApiClient against a server that misbehaves: truncated JSON, wrong types, a 100 MiB body, an answer
// that never finishes, a connection dropped mid-body, error bodies and a 401. Each is a clear
// ApiError value; nothing crashes.
#include "client/net/apiclient.h"
#include "hostileserver.h"

#include <QElapsedTimer>
#include <QtTest>
#include <atomic>

using namespace vesper;
using namespace vesper::client;
using vesper::test::HostileReply;
using vesper::test::HostileServer;

namespace {
/// Counts refreshes; hands out "token-2" after the first rejection.
class CountingTokens : public TokenSource {
public:
    QString accessToken() override { return m_token; }
    QString refreshAfterRejection(const QString &) override
    {
        ++refreshes;
        m_token = QStringLiteral("token-2");
        return m_token;
    }
    std::atomic<int> refreshes{0};

private:
    QString m_token = QStringLiteral("token-1");
};

HttpClientOptions fastOptions()
{
    HttpClientOptions options;
    options.backoffBaseMs = 20;
    options.backoffMaxMs = 100;
    options.breakerThreshold = 100; // these tests look at single failures, not at going offline
    return options;
}
} // namespace

class TstHostile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_server.start(&error), qPrintable(error));
        m_api = std::make_unique<ApiClient>(&m_http, m_server.baseUrl());
        m_api->setFixedToken(QStringLiteral("fixed"));
    }
    void init() { m_server.resetCounters(); }

    void truncatedJson()
    {
        m_server.setHandler([](auto, auto, int) { return HostileReply::json(R"({"profile": {"id": "x", "email")"); });
        const auto result = m_api->bootstrap();
        QCOMPARE(result.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(result.error.message.contains(QLatin1String("malformed")), qPrintable(result.error.message));
    }

    void wrongTypes()
    {
        m_server.setHandler([](auto, const QByteArray &path, int) {
            if (path == "/api/models")
                return HostileReply::json(R"({"models": "none"})");
            if (path == "/api/sessions")
                return HostileReply::json(R"({"data": [7]})");
            return HostileReply::json(R"({"data": [{"id": 5, "name": "p"}], "nextCursor": null, "hasMore": false})");
        });
        const auto projects = m_api->projects();
        QCOMPARE(projects.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(projects.error.message.contains(QLatin1String("data[0]")), qPrintable(projects.error.message));
        QVERIFY(projects.value.items.isEmpty());
        const auto models = m_api->models();
        QCOMPARE(models.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(models.error.message.contains(QLatin1String("models")), qPrintable(models.error.message));
        const auto sessions = m_api->sessions(QStringLiteral("p"));
        QCOMPARE(sessions.error.kind, ApiError::Kind::BadResponse);
        const auto project = m_api->project(QStringLiteral("p"));
        QCOMPARE(project.error.kind, ApiError::Kind::BadResponse);
    }

    void hugeBodyRefused_data()
    {
        QTest::addColumn<bool>("declared");
        QTest::newRow("Content-Length 100 MiB") << true;
        QTest::newRow("close-delimited 100 MiB") << false;
    }
    void hugeBodyRefused()
    {
        QFETCH(bool, declared);
        m_server.setHandler([declared](auto, auto, int) {
            HostileReply reply;
            reply.mode = HostileReply::Mode::Stream;
            reply.streamBytes = 100LL << 20;
            reply.declareLength = declared;
            return reply;
        });
        const auto result = m_api->bootstrap();
        QCOMPARE(result.error.kind, ApiError::Kind::BadResponse);
        QVERIFY2(result.error.message.contains(QLatin1String("larger than 64 MiB")), qPrintable(result.error.message));
        QCOMPARE(m_server.hits("/api/bootstrap"), 1); // too large is not retried
    }

    void neverFinishes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("no head") << int(HostileReply::Mode::HangBeforeHeaders);
        QTest::newRow("half a body") << int(HostileReply::Mode::HangAfterHeaders);
    }
    void neverFinishes()
    {
        QFETCH(int, mode);
        m_server.setHandler([mode](auto, auto, int) {
            HostileReply reply = HostileReply::json(R"({"changes": [], "nextSince": "1", "hasMore": false})");
            reply.mode = HostileReply::Mode(mode);
            return reply;
        });
        ApiClient api(&m_http, m_server.baseUrl());
        api.setFixedToken(QStringLiteral("fixed"));
        api.setTimeoutSeconds(1);
        QElapsedTimer timer;
        timer.start();
        const auto result = api.changes(QStringLiteral("0"));
        QCOMPARE(result.error.kind, ApiError::Kind::Timeout);
        QVERIFY(!result.error.message.isEmpty());
        QCOMPARE(m_server.hits("/api/changes"), 2); // a timeout is retried once, then reported
        QVERIFY2(timer.elapsed() < 10000, "the timeout bounded the call");
    }

    void droppedMidBody()
    {
        m_server.setHandler([](auto, auto, int) {
            HostileReply reply = HostileReply::json(QByteArray("{\"data\": [], \"pad\": \"") + QByteArray(20000, 'a') + "\"}");
            reply.mode = HostileReply::Mode::DropMidBody;
            return reply;
        });
        const auto result = m_api->sessions(QStringLiteral("p"));
        QCOMPARE(result.error.kind, ApiError::Kind::Network);
        QVERIFY2(result.error.message.startsWith(QLatin1String("The connection to the server failed")), qPrintable(result.error.message));
        QCOMPARE(m_server.hits("/api/sessions"), m_http.options().maxAttempts); // a GET is retried, then reported
    }

    void errorBodiesMapped()
    {
        m_server.setHandler([](auto, const QByteArray &path, int) {
            if (path.startsWith("/api/projects/"))
                return HostileReply::json(R"({"error": "project not found", "code": "NOT_FOUND"})", 404);
            if (path.startsWith("/api/sessions/"))
                return HostileReply::json(R"({"error": "stale", "code": "PRECONDITION_FAILED", "current": {"id": "s", "rev": 9}})", 412);
            HostileReply reply = HostileReply::json(R"({"error": "slow down", "code": "RATE_LIMITED"})", 429);
            reply.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("120")));
            return reply;
        });
        const auto missing = m_api->project(QStringLiteral("nope"));
        QCOMPARE(missing.error.kind, ApiError::Kind::Http);
        QCOMPARE(missing.error.status, 404);
        QCOMPARE(missing.error.code, QStringLiteral("NOT_FOUND"));
        QCOMPARE(missing.error.message, QStringLiteral("project not found"));
        const auto stale = m_api->updateSession(QStringLiteral("s"), QJsonObject{{QStringLiteral("name"), QStringLiteral("n")}},
                                               WriteGuards{QString(), QStringLiteral("3")});
        QCOMPARE(stale.error.code, QStringLiteral("PRECONDITION_FAILED"));
        QCOMPARE(stale.error.body.value(QStringLiteral("current")).toObject().value(QStringLiteral("rev")).toInt(), 9);
        const auto limited = m_api->models();
        QCOMPARE(limited.error.status, 429);
        QCOMPARE(limited.error.retryAfterSeconds, 120);
        QCOMPARE(m_server.hits("/api/models"), 1); // a Retry-After over the cap is not waited for
    }

    void unauthorizedRefreshesOnce()
    {
        m_server.setHandler([](auto, auto, int hit) {
            return hit == 1 ? HostileReply::json(R"({"error": "expired", "code": "UNAUTHORIZED"})", 401)
                            : HostileReply::json(R"({"models": []})");
        });
        CountingTokens tokens;
        ApiClient api(&m_http, m_server.baseUrl());
        api.setTokenSource(&tokens);
        const auto result = api.models();
        QVERIFY2(result.ok(), qPrintable(describe(result.error)));
        QCOMPARE(tokens.refreshes.load(), 1);
        QCOMPARE(m_server.hits("/api/models"), 2);

        m_server.setHandler([](auto, auto, int) { return HostileReply::json(R"({"error": "no", "code": "UNAUTHORIZED"})", 401); });
        const auto refused = api.models();
        QCOMPARE(refused.error.kind, ApiError::Kind::NotSignedIn);
        QCOMPARE(tokens.refreshes.load(), 2); // one refresh per call, never a loop
    }

    void notSignedInWithoutToken()
    {
        ApiClient api(&m_http, m_server.baseUrl());
        const auto result = api.bootstrap();
        QCOMPARE(result.error.kind, ApiError::Kind::NotSignedIn);
        QCOMPARE(m_server.hits("/api/bootstrap"), 0);
    }

private:
    HostileServer m_server;
    HttpClient m_http{fastOptions()};
    std::unique_ptr<ApiClient> m_api;

public:
    TstHostile() = default;
};

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    TstHostile test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_hostile.moc"
