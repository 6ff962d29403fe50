#pragma once
// Google's Gemini generateContent for tests: checks the x-goog-api-key header and the model path,
// answers one real PNG (or JPEG) per call at Gemini's own sizes for the aspect ratio asked, and
// can instead block the prompt, fail (400, 500 once, 429 with Retry-After once), hang, send
// garbage or answer with text only. Every call is recorded with its times, for the tests' checks.
#include "fakehttpserver.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <memory>

namespace vesper::test {

/// A fake Gemini API on a loopback port with a thread-safe scenario switch.
class FakeGemini {
public:
    enum class Scenario {
        Success,          // text part + inlineData PNG, finishReason STOP
        SuccessJpeg,      // inline_data / mime_type spelling, JPEG bytes
        Blocked,          // promptFeedback.blockReason SAFETY, no candidates
        ImageSafety,      // a candidate with finishReason IMAGE_SAFETY and no image
        BadRequest,       // 400 INVALID_ARGUMENT with a message
        ServerErrorOnce,  // 500 INTERNAL for the first call, then Success
        SecondCallFailsOnce, // 500 INTERNAL at once for the second call; every other call Success
        SecondCallHangs,  // the second call never answers; every other call Success
        RateLimitedOnce,  // 429 RESOURCE_EXHAUSTED with Retry-After: 1 for the first call, then Success
        Hang,             // never answers
        NotJson,          // 200 with an HTML page
        BadImage,         // inlineData whose base64 is not an image
        TextOnly,         // a text part and no image
    };

    struct Call {
        QJsonObject body;
        QString path;
        QString query;
        QByteArray apiKey;     // the x-goog-api-key header
        QByteArray authorization;
        qint64 atMs = 0;       // wall clock when it arrived
        qint64 answerAtMs = 0; // when the answer was due (0: never)
        int status = 0;        // what was answered (0: nothing)
    };

    static QString model() { return QStringLiteral("gemini-2.5-flash-image"); }
    static QString key() { return QStringLiteral("fake-gemini-key-7Hq2ZpL9"); }
    /// Gemini 2.5 Flash Image's output size for an aspect ratio.
    static QSize sizeFor(const QString &aspectRatio);

    FakeGemini();
    ~FakeGemini();
    bool start(QString *error);
    QString baseUrl() const;

    void setScenario(Scenario scenario); // also forgets the calls so far
    void setDelayMs(int ms);             // successful answers come this much later
    QList<Call> calls() const;
    /// The most calls that were waiting for their answer at the same moment.
    int maxConcurrent() const;

private:
    FakeResponse answer(const FakeRequest &request);

    std::unique_ptr<FakeHttpServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    int m_delayMs = 0;
    QList<Call> m_calls;
};

} // namespace vesper::test
