#pragma once
// One generateContent call on a thread of its own. Gemini draws one image per call, so a job
// with several outputs runs two calls side by side; the job's sink is not thread-safe and stays
// on the worker thread, which stops a call through the call's own flag instead.
#include "backend/providers/providerhttp.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QSemaphore>
#include <QString>
#include <atomic>
#include <thread>

namespace vesper::backend {

/// A blocking POST run on a helper thread, stoppable from the thread that started it.
class GeminiCall {
public:
    /// `done` is released once when the call has finished (answered, failed or stopped).
    GeminiCall(int index, QString url, QByteArray apiKey, QByteArray body, int timeoutSeconds, QSemaphore *done);
    /// Stops the call if it still waits and joins its thread (within about a second).
    ~GeminiCall();
    GeminiCall(const GeminiCall &) = delete;
    GeminiCall &operator=(const GeminiCall &) = delete;

    int index() const { return m_index; }
    bool finished() const { return m_finished.load(std::memory_order_acquire); }
    qint64 elapsedMs() const { return m_clock.elapsed(); }
    /// Asks a waiting call to give up; curl notices at its next progress check.
    void stop() { m_stop.store(true); }
    /// The answer; only once finished() is true.
    const ProviderResponse &response() const { return m_response; }

private:
    void run();

    int m_index;
    QString m_url;
    QByteArray m_apiKey;
    QByteArray m_body;
    int m_timeoutSeconds;
    QSemaphore *m_done;
    QElapsedTimer m_clock;
    ProviderResponse m_response;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_finished{false};
    std::thread m_thread;
};

} // namespace vesper::backend
