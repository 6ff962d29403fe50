#pragma once
// Replicate's prediction API (create, get, cancel) and a file host for its outputs, for tests, on
// FakeHttpServer. A prediction is "starting", then "processing" for durationMs (with tqdm lines in
// "logs" when asked), then "succeeded" with PNG URLs on a different host name (localhost instead of
// 127.0.0.1), so the test can see the token is not sent there. Scenarios for the error paths.
#include "fakehttpserver.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <memory>

namespace vesper::test {

class FakeReplicate {
public:
    enum class Scenario {
        Success,
        Failed,        // the prediction ends "failed" with an error text
        Hang,          // creating a prediction never answers
        RateLimitOnce, // the next create gets 429 with Retry-After: 1
        NotJson,       // polls answer an HTML page
        BadImage,      // the output files are not images
    };
    static inline const QString kToken = QStringLiteral("r8_test_token");

    FakeReplicate();
    bool start(QString *error);
    QString url() const { return m_server->baseUrl(); }
    FakeHttpServer &server() { return *m_server; }

    void setScenario(Scenario scenario);
    void setDurationMs(int ms);
    void setLogs(bool on);
    void reset();

    QJsonObject lastCreate() const;                // the last create request's body
    QString lastCreatePath() const;
    QList<qint64> createTimes() const;             // ms since the epoch
    QList<QByteArray> authorizations() const;      // Authorization of every API call
    QList<QByteArray> fileAuthorizations() const;  // Authorization of every file download (should be empty)
    int cancels() const { return m_server->count("POST", QStringLiteral("/v1/predictions/")); }

private:
    struct Prediction {
        qint64 created = 0;
        QJsonObject input;
        bool canceled = false;
    };
    FakeResponse handle(const FakeRequest &request);
    FakeResponse create(const FakeRequest &request);
    QJsonObject view(const QString &id, const Prediction &p) const;

    std::unique_ptr<FakeHttpServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    int m_durationMs = 300;
    bool m_logs = false;
    QHash<QString, Prediction> m_predictions;
    QJsonObject m_lastCreate;
    QString m_lastCreatePath;
    QList<qint64> m_createTimes;
    QList<QByteArray> m_auth, m_fileAuth;
};

} // namespace vesper::test
