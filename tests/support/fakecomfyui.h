#pragma once
// ComfyUI's HTTP and websocket protocol on a loopback port, for the comfyui adapter's tests:
// POST /prompt queues a run whose events (execution_start, progress, executing, executed, ...)
// follow over the websocket of the client that queued it, and only that one (the queue's `status`
// goes to every websocket); /history and /view serve real PNGs;
// /interrupt and /queue stop and dequeue. As ComfyUI's main.py does, executing {node: null} follows
// every run, failed and interrupted ones too; previews come as binary frames holding a real JPEG.
// A scenario switch makes it fail in the ways ComfyUI does, or speak the pre-2024 protocol.
#include "fakehttpserver.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QString>
#include <memory>

namespace vesper::test {

/// A fake ComfyUI server.
class FakeComfyUi {
public:
    enum class Scenario {
        Success,          // a few quick steps, then the images
        Slow,             // ten steps 200 ms apart, then the images
        NodeError,        // POST /prompt answers 400 with node_errors
        ExecutionError,   // starts, then execution_error over the websocket
        Hang,             // starts, one step, then nothing until interrupted
        RateLimitOnce,    // the first POST /prompt is 429 with Retry-After: 1, then Success
        GarbageHistory,   // the run ends but /history answers HTML
        GarbageImage,     // /view answers bytes that are not an image
        WebSocketRefused, // websocket upgrades are refused; the run ends quietly after 1.5 s
        WebSocketDrops,   // like Slow, but the websocket drops after the second step
        Queued,           // accepted and left pending behind someone else's run
        OneImage,         // like Success, but saves one image whatever the batch size (a custom workflow)
        HistoryBlip,      // like Success, but the first two /history answers are 502 (a proxy restarting)
        Legacy,           // ComfyUI before 2024: progress is {value, max} without prompt_id or node, no
                          // execution_success (executing {node: null} ends it), a history without status
        LateHistory,      // like Success, but the history entry is written 6.5 s after execution_success
        Cached,           // every node cached: execution_cached lists them all, no progress, the output
                          // node's executed comes from the cache, then execution_success
    };

    /// One POST /prompt as received.
    struct Prompt {
        QJsonObject body;        // {"prompt": graph, "client_id"}
        qint64 atMs = 0;         // when it arrived (ms since the epoch)
        int status = 0;          // what it was answered
        QString promptId;        // when accepted
        bool socketOpen = false; // the client's websocket was open when it arrived
    };

    FakeComfyUi();
    ~FakeComfyUi();

    bool start(QString *error);
    QString baseUrl() const { return m_http->baseUrl(); }
    FakeHttpServer &http() { return *m_http; }

    /// Switches the scenario for the prompts that follow (thread-safe).
    void setScenario(Scenario scenario);
    /// How many `status` messages the fake sent to new websockets (one per connection, as ComfyUI does).
    int statusGreetings() const;
    QList<Prompt> prompts() const;
    /// The prompt_ids named by POST /interrupt and by POST /queue {"delete"} so far.
    QStringList interrupted() const;
    QStringList dequeued() const;

private:
    struct Run {
        QString clientId;
        int width = 0, height = 0, batch = 1;
        int number = 0;
        bool running = false, done = false, failed = false, stopped = false;
        bool legacy = false, lateHistory = false, cached = false;
        QJsonArray messages; // the history's status.messages
        QJsonArray images;   // the history's outputs of the SaveImage node
    };

    FakeResponse handle(const FakeRequest &request);
    FakeResponse queuePrompt(const FakeRequest &request);
    FakeResponse history(const QString &promptId);
    FakeResponse view(const FakeRequest &request);
    void play(const QString &promptId, Scenario scenario);
    /// Sends data to the websocket of the client that queued promptId, and only to it.
    void send(const QString &promptId, const QString &type, QJsonObject data);
    /// The queue's `status`, which ComfyUI sends to every open websocket.
    void broadcastStatus(int queueRemaining);
    void finish(const QString &promptId);
    void fail(const QString &promptId);
    void interrupt(const QString &promptId);

    std::unique_ptr<FakeHttpServer> m_http;
    mutable QMutex m_mutex;
    Scenario m_scenario = Scenario::Success;
    bool m_rateLimited = false;
    int m_historyBlips = 0;
    int m_number = 0;
    QHash<QString, Run> m_runs;
    QHash<QString, QByteArray> m_files; // "subfolder/filename" → PNG
    QList<Prompt> m_prompts;
    QStringList m_interrupted, m_dequeued;
};

} // namespace vesper::test
