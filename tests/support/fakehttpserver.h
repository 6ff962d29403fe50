#pragma once
// A provider's protocol on a loopback port, for tests: QtHttpServer on its own thread, so the
// test's blocking calls never starve it. A handler (run on that thread) answers each request, or
// hangs, drops the connection, or sends raw bytes, as the scenario under test asks. Every request
// is recorded. Websocket clients (ComfyUI's progress channel) are kept and can be sent text.
#include <QAtomicInteger>
#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QPair>
#include <QString>
#include <QUrl>
#include <QThread>
#include <QUrlQuery>
#include <functional>
#include <memory>

namespace vesper::test {

struct FakeRequest {
    QByteArray method;                     // "GET", "POST", ...
    QString path;                          // without the query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;

    QJsonObject json() const;
};

struct FakeResponse {
    enum class Action { Reply, Hang, Drop, Raw };
    Action action = Action::Reply;
    int status = 200;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body; // with Raw: the bytes written as they are, then the connection is closed
    int delayMs = 0;  // with Reply: answer this much later, while the server keeps serving others

    static FakeResponse json(int status, const QJsonObject &object);
    static FakeResponse bytes(int status, const QByteArray &body, const QByteArray &contentType);
    static FakeResponse hang();               // never answers; the connection stays open
    static FakeResponse drop();               // closes the connection without an answer
    static FakeResponse raw(const QByteArray &bytes);
    FakeResponse &header(const QByteArray &name, const QByteArray &value);
    /// Answers after ms (a provider call that blocks until its work is done, e.g. A1111 txt2img).
    FakeResponse &delayed(int ms);
};

class FakeHttpBackend;

class FakeHttpServer {
public:
    using Handler = std::function<FakeResponse(const FakeRequest &)>;

    explicit FakeHttpServer(Handler handler);
    ~FakeHttpServer();

    /// Listens on 127.0.0.1 on a free port; false with a message on failure.
    bool start(QString *error);
    QString baseUrl() const;
    quint16 port() const { return m_port; }

    /// Copies of the requests so far (thread-safe).
    QList<FakeRequest> requests() const;
    /// How many requests had this method and a path starting with pathPrefix.
    int count(const QByteArray &method, const QString &pathPrefix) const;
    void clearRequests();

    /// Sends text to every open websocket whose request URL contains `urlPart` (from any thread).
    void sendWebSocketText(const QString &urlPart, const QString &text);
    /// Sends binary frames likewise (ComfyUI's preview images).
    void sendWebSocketBinary(const QString &urlPart, const QByteArray &bytes);
    /// Open websockets whose request URL contains urlPart.
    int webSocketCount(const QString &urlPart = {}) const;
    /// Closes the open websockets whose request URL contains urlPart (a connection that drops).
    void closeWebSockets(const QString &urlPart);
    /// When set, websocket upgrades are refused: the connection is closed without an answer.
    void setWebSocketsRefused(bool refused) { m_refuseWebSockets.storeRelease(refused); }

    /// What a new websocket is sent first, from its request URL (ComfyUI's `status`); empty: nothing.
    void setWebSocketGreeting(std::function<QString(const QUrl &)> greeting);
    /// How many greetings were sent so far.
    int greetingsSent() const { return m_greetings.loadAcquire(); }

    /// Runs fn on the server's thread later (for a handler that answers in steps, e.g. websocket events).
    void later(int delayMs, std::function<void()> fn);

private:
    friend class FakeHttpBackend;
    void record(const FakeRequest &request);
    void onThread(const std::function<void()> &fn) const;

    Handler m_handler;
    QThread m_thread;
    QObject *m_context = nullptr;     // lives on m_thread
    FakeHttpBackend *m_backend = nullptr;
    quint16 m_port = 0;
    QAtomicInteger<bool> m_refuseWebSockets{false};
    QAtomicInt m_greetings{0};
    std::function<QString(const QUrl &)> m_greeting; // guarded by m_mutex
    mutable QMutex m_mutex;
    QList<FakeRequest> m_requests;
};

} // namespace vesper::test
