#pragma once
// The HTTP server module, on GNU libmicrohttpd: a thread pool that uses every core, a per-connection
// memory cap that bounds headers, idle timeouts, a connection limit, and request bodies refused
// with 413 as soon as their declared or received size passes the route's limit — never buffered whole.
#include "backend/http/httpmessage.h"

#include <QString>
#include <functional>
#include <optional>

struct MHD_Daemon;

namespace vesper::backend {

struct HttpServerLimits {
    int threads = 4;
    int connectionLimit = 1024;
    int idleTimeoutSeconds = 30;
    int connectionMemoryBytes = 64 * 1024; // headers and per-request bookkeeping
    int connectionsPerIp = 0;              // 0: unlimited
};

class HttpServer {
public:
    using Handler = std::function<HttpResponse(HttpRequest &)>;
    /// The largest body accepted for a request line, in bytes.
    using BodyLimit = std::function<qint64(const QByteArray &method, const QString &path)>;
    /// Builds the 413 answer (the caller's error shape).
    using TooLarge = std::function<HttpResponse(const HttpRequest &, qint64 limit)>;
    /// For a request that comes with a body, seen with its headers only: the answer to send at
    /// once when the body cannot change it (no such route, no valid token), so an unknown caller
    /// never gets a body buffered; nullopt to read the body and call the handler.
    using Preflight = std::function<std::optional<HttpResponse>(HttpRequest &)>;

    HttpServer(Handler handler, BodyLimit bodyLimit, TooLarge tooLarge, Preflight preflight = {});
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    /// Starts listening; port 0 picks a free port. Returns false with a readable error.
    bool listen(const QString &host, quint16 port, const HttpServerLimits &limits, QString *error);
    quint16 port() const { return m_port; }
    void stop();

    // Internal: called from the libmicrohttpd callbacks.
    struct Exchange;
    Handler &handler() { return m_handler; }
    BodyLimit &bodyLimit() { return m_bodyLimit; }
    TooLarge &tooLarge() { return m_tooLarge; }
    Preflight &preflight() { return m_preflight; }

private:
    Handler m_handler;
    BodyLimit m_bodyLimit;
    TooLarge m_tooLarge;
    Preflight m_preflight;
    MHD_Daemon *m_daemon = nullptr;
    quint16 m_port = 0;
};

} // namespace vesper::backend
