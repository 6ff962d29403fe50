#pragma once
// The AUTOMATIC1111 web UI API (/sdapi/v1/txt2img, /progress, /interrupt) for tests, on
// FakeHttpServer: txt2img answers after a delay with real PNGs (a grid first for a batch, as the
// web UI does) while /progress ramps from 0 to 1; scenarios for errors, hangs, 429 and garbage.
#include "fakehttpserver.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QMutex>
#include <memory>

namespace vesper::test {

class FakeA1111 {
public:
    enum class Scenario {
        Success,       // images after delayMs
        Error,         // 500 with the web UI's error object (CUDA out of memory)
        Hang,          // txt2img never answers
        RateLimitOnce, // the next txt2img gets 429 with Retry-After: 1, later ones succeed
        NotJson,       // 200 with an HTML page
        BadImage,      // 200 with base64 that is not an image
        Unavailable,   // 503 (the web UI restarting)
    };

    FakeA1111();
    bool start(QString *error);
    QString url() const { return m_server->baseUrl(); }
    FakeHttpServer &server() { return *m_server; }

    void setScenario(Scenario scenario);
    /// How long a successful txt2img takes.
    void setDelayMs(int ms);
    /// The body of the last txt2img request (empty before one).
    QJsonObject lastTxt2Img() const;
    /// When each txt2img request arrived (ms since the epoch).
    QList<qint64> txt2imgTimes() const;
    int interrupts() const { return m_server->count("POST", QStringLiteral("/sdapi/v1/interrupt")); }
    void reset();

private:
    FakeResponse handle(const FakeRequest &request);
    FakeResponse txt2img(const FakeRequest &request);
    FakeResponse progress();

    std::unique_ptr<FakeHttpServer> m_server;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    int m_delayMs = 300;
    QJsonObject m_last;
    QList<qint64> m_times;
    qint64 m_runningSince = 0; // when the txt2img in progress started; 0 when idle
    int m_runningDelay = 0;
};

/// A PNG of w x h in one colour.
QByteArray pngOf(int width, int height, const QColor &colour);

} // namespace vesper::test
