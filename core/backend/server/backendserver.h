#pragma once
// The backend as one object, its composition root: opens and migrates the database, builds the parts
// it owns (rate limits, provider settings, breakers, catalogue, workers, routes) and serves HTTP.
// vesper-server runs it standalone; EmbeddedBackend runs it inside the desktop app.
#include "backend/config/backendsettings.h"
#include "backend/http/httpserver.h"

#include <QString>
#include <memory>

namespace vesper {
class CircuitBreakers;
class RateLimitStore;
}

namespace vesper::backend {

class ApiDispatcher;
class ChangeStreamHub;
class Database;
class HttpServer;
class ModelCatalog;
class ProviderSettingsStore;
class Router;
class SessionSweeper;
class WorkerPool;
struct ServerContext;

class BackendServer {
public:
    explicit BackendServer(BackendSettings settings);
    ~BackendServer();

    /// Migrates, prepares secrets and the embedded profile, and listens. One readable line on failure.
    bool start(QString *error);
    /// Stops listening, then the workers (their jobs handed back), then closes the database.
    void stop();
    quint16 port() const;
    const ServerContext &context() const { return *m_context; }
    ServerContext &context() { return *m_context; }

private:
    void prepareEmbeddedProfile();
    void addRoutes();
    /// The HTTP layer's limits from the settings and the open-file limit.
    HttpServerLimits httpLimits() const;
    /// This process's soft limit on open files.
    static int openFileLimit();

    BackendSettings m_settings;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Database> m_limitDb; // PostgreSQL: the rate-limit checks' own connections (autocommit)
    std::unique_ptr<RateLimitStore> m_limits;
    std::unique_ptr<ProviderSettingsStore> m_providers;
    std::unique_ptr<CircuitBreakers> m_breakers;
    std::unique_ptr<ModelCatalog> m_catalog;
    std::unique_ptr<WorkerPool> m_workers;
    std::unique_ptr<ServerContext> m_context;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<ApiDispatcher> m_dispatcher;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<SessionSweeper> m_sessionSweeper;
    std::unique_ptr<ChangeStreamHub> m_changeStreams;
};

} // namespace vesper::backend
