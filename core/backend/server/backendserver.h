#pragma once
// The backend as one object: opens and migrates the database, wires the routes and serves HTTP.
// vesper-server runs it standalone; the desktop app will embed it on loopback.
#include "backend/server/serverconfig.h"

#include <QString>
#include <memory>

namespace vesper::backend {

class ApiDispatcher;
class Database;
class HttpServer;
class Router;
class SessionSweeper;
struct ServerContext;

class BackendServer {
public:
    explicit BackendServer(ServerConfig config);
    ~BackendServer();

    /// Migrates, prepares secrets and the embedded profile, and listens. One readable line on failure.
    bool start(QString *error);
    void stop();
    quint16 port() const;
    const ServerContext &context() const { return *m_context; }

private:
    ServerConfig m_config;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<class InMemoryRateLimitStoreHolder> m_limits;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<ApiDispatcher> m_dispatcher;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<SessionSweeper> m_sessionSweeper;
};

} // namespace vesper::backend
