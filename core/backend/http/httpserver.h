#pragma once
// The HTTP server module, on GNU libmicrohttpd: a thread pool that uses every core, a per-connection
// memory cap that bounds headers, deadlines for a request's head and body that no trickle extends,
// connection slots sized from the file limit with a per-address cap, request bodies drawn from a
// shared memory budget (uploads spooled to disk) and refused with 413 as soon as their declared or
// received size passes the route's limit, and heads that could smuggle a request refused with 400.
#include "backend/http/addressset.h"
#include "backend/http/httpmessage.h"

#include <QList>
#include <QString>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_set>

struct MHD_Daemon;

namespace vesper::backend {

class BodyBudget;
class ConnectionWatch;

struct HttpServerLimits {
    int threads = 4;
    int connectionLimit = 1024;
    int idleTimeoutSeconds = 30;
    int connectionMemoryBytes = 64 * 1024; // headers and per-request bookkeeping
    int connectionsPerIp = 64;             // 0: unlimited; through a trusted proxy, per forwarded client
    int headTimeoutSeconds = 10;           // a whole request head, however it trickles in
    int bodyTimeoutSeconds = 60;           // a whole body: this plus its size at bodyMinBytesPerSecond
    qint64 bodyMinBytesPerSecond = 64 * 1024;
    qint64 bodyMemoryBytes = qint64(256) << 20; // all bodies held in memory at once
    qint64 spoolBytes = qint64(2) << 30;        // all uploads being spooled to disk at once
    QString spoolDir;                           // where uploads are spooled; empty: the system temp folder
    AddressSet trustedProxies;
};

/// Why the server answered a request itself, before or instead of the handler.
enum class Refusal { TooLarge, Busy, BadFraming, TooManyFromClient };

/// How a request's body is taken: its largest size, and whether it goes to a file (uploads).
struct BodyPolicy {
    qint64 limit = 0;
    bool spool = false;
};

class HttpServer {
public:
    using Handler = std::function<HttpResponse(HttpRequest &)>;
    /// How the body of a request line is taken.
    using BodyRule = std::function<BodyPolicy(const QByteArray &method, const QString &path)>;
    /// Builds the answer for a refusal in the caller's error shape; `limit` for TooLarge, a reason
    /// for BadFraming, the seconds to wait for Busy and TooManyFromClient.
    using RefusalPage = std::function<HttpResponse(Refusal, qint64 limit, const QString &reason)>;
    /// For a request that comes with a body, seen with its headers only: the answer to send at
    /// once when the body cannot change it (no such route, no valid token), so an unknown caller
    /// never gets a body buffered; nullopt to read the body and call the handler.
    using Preflight = std::function<std::optional<HttpResponse>(HttpRequest &)>;

    HttpServer(Handler handler, BodyRule bodyRule, RefusalPage refusalPage, Preflight preflight = {});
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    /// Starts listening; port 0 picks a free port. Returns false with a readable error.
    bool listen(const QString &host, quint16 port, const HttpServerLimits &limits, QString *error);
    quint16 port() const { return m_port; }
    void stop();

    // Internal: used by the libmicrohttpd callbacks (httpexchange.cpp).
    struct Exchange;
    Handler &handler() { return m_handler; }
    BodyRule &bodyRule() { return m_bodyRule; }
    RefusalPage &refusalPage() { return m_refusalPage; }
    Preflight &preflight() { return m_preflight; }
    ConnectionWatch &watch() { return *m_watch; }
    BodyBudget &memoryBudget() { return *m_memory; }
    BodyBudget &spoolBudget() { return *m_spool; }
    const HttpServerLimits &limits() const { return m_limits; }
    /// A streamed response was queued / is done: stop() ends the open ones before the daemon.
    void trackStream(ResponseStream *stream);
    void untrackStream(ResponseStream *stream);
    /// Streamed responses open now.
    int openStreams() const;

private:
    Handler m_handler;
    BodyRule m_bodyRule;
    RefusalPage m_refusalPage;
    Preflight m_preflight;
    HttpServerLimits m_limits;
    std::unique_ptr<ConnectionWatch> m_watch;
    std::unique_ptr<BodyBudget> m_memory;
    std::unique_ptr<BodyBudget> m_spool;
    mutable std::mutex m_streamsMutex;
    std::unordered_set<ResponseStream *> m_streams;
    MHD_Daemon *m_daemon = nullptr;
    QList<quint64> m_gauges; // this server's callback gauges in the process's metrics registry
    quint16 m_port = 0;
};

} // namespace vesper::backend
