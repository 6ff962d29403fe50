#pragma once
// Google's Gemini generateContent for tests: checks the x-goog-api-key header and the model path,
// validates the request as Gemini does (contents and parts, inline image data, aspect ratio, the
// 20 MB inline limit: 400 INVALID_ARGUMENT), answers 400 for an invalid key and 403 PERMISSION_DENIED
// for a missing or blocked one, and one real PNG (or JPEG) per call at Gemini's own sizes. Scenarios
// block the prompt, fail (400, 500, 503 UNAVAILABLE, 429 with Retry-After or with google.rpc.RetryInfo
// in error.details), hang, send garbage, text only, thought parts with a draft image, or the
// IMAGE_SAFETY / NO_IMAGE finishes with their finishMessage. Every call is recorded with its times.
#include "fakehttpserver.h"

#include <QJsonObject>
#include <QColor>
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
        UnavailableOnce,  // 503 UNAVAILABLE "The model is overloaded" for the first call, then Success
        QuotaRetryOnce,   // 429 RESOURCE_EXHAUSTED with RetryInfo retryDelay "2s" (no Retry-After) once, then Success
        QuotaExhausted,   // 429 RESOURCE_EXHAUSTED with RetryInfo retryDelay "38s" on every call
        QuotaAlways,      // 429 RESOURCE_EXHAUSTED with RetryInfo retryDelay "1s" on every call
        Thoughts,         // thought parts (text and a draft image, thought: true) before the final image
        ProhibitedContent, // promptFeedback.blockReason PROHIBITED_CONTENT, no candidates
        NoImage,          // a candidate with finishReason NO_IMAGE, a finishMessage and no image
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
    /// A well-formed key Google has blocked (reported as leaked): 403 PERMISSION_DENIED.
    static QString blockedKey() { return QStringLiteral("fake-gemini-key-leaked-0Aa1"); }
    /// The colour of the draft (thought) image in the Thoughts scenario; the final one differs.
    static QColor draftColour() { return QColor(255, 0, 255); }
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
