#pragma once
// Replicate's prediction API (create on a model or, pinned, on /v1/predictions with a version; get;
// list; cancel) and a file host for its outputs, for tests, on FakeHttpServer. A create's input is
// checked like FLUX's schema (422 "Input validation failed" with invalid_fields). A prediction is
// "starting", then "processing" for durationMs (with tqdm lines in "logs" when asked), then
// "succeeded" with URLs in the asked output_format (webp by default) on a different host name
// (localhost instead of 127.0.0.1), so the test can see the token is not sent there. Scenarios for
// the rest, as the real service behaves: FLUX's NSFW filter dropping images one by one, a deadline
// that ends a prediction "aborted", throttled polls, a create answered 5xx with or without a prediction.
#include "fakehttpserver.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
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
        SingleString,  // "output" is one URL string, not a list (some models answer so)
        NsfwPartial,   // FLUX withholds the second image: a shorter list, image_count, "Total safe images"
        Aborted,       // the Cancel-After deadline passes: status "aborted", no output, never changes again
        CreateLost,    // the create makes a prediction but answers 502 (the answer is lost on the way)
        CreateFailsOnce, // the next create answers 503 and makes nothing
    };
    static inline const QString kToken = QStringLiteral("r8_test_token");

    FakeReplicate();
    bool start(QString *error);
    QString url() const { return m_server->baseUrl(); }
    FakeHttpServer &server() { return *m_server; }

    void setScenario(Scenario scenario);
    void setDurationMs(int ms);
    void setLogs(bool on);
    /// The next `count` polls of a prediction answer 429 with Retry-After: retryAfterSeconds.
    /// The next count polls answer 429 with Retry-After: retryAfterSeconds (no header when 0).
    void throttlePolls(int count, int retryAfterSeconds);
    void reset();

    QJsonObject lastCreate() const;                // the last create request's body
    QString lastCreatePath() const;
    QList<qint64> createTimes() const;             // ms since the epoch
    QList<QByteArray> authorizations() const;      // Authorization of every API call
    QList<QByteArray> fileAuthorizations() const;  // Authorization of every file download (should be empty)
    int cancels() const { return m_server->count("POST", QStringLiteral("/v1/predictions/")); }
    int predictionsMade() const;                   // predictions that exist (created, whatever was answered)
    QList<qint64> pollTimes() const;               // ms since the epoch of every poll of a prediction
    int pollsAfterFinal() const;                   // polls of a prediction already in a final status

private:
    struct Prediction {
        qint64 created = 0;
        QJsonObject input;
        bool canceled = false;
        QString version;
    };
    FakeResponse handle(const FakeRequest &request);
    FakeResponse create(const FakeRequest &request);
    FakeResponse poll(const QString &id, const Prediction &p);
    FakeResponse list() const;
    FakeResponse file(const QString &path) const;
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
    QList<QString> m_order; // prediction ids, oldest first
    QList<qint64> m_pollTimes;
    int m_pollsAfterFinal = 0;
    QSet<QString> m_polledFinal;
    int m_throttledPolls = 0;
    int m_retryAfter = 1;
};

} // namespace vesper::test
