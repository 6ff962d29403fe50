#include "backend/server/backendserver.h"
#include "backend/auth/sessionsweeper.h"
#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/generation/workerpool.h"
#include "backend/http/apidispatcher.h"
#include "backend/http/httpserver.h"
#include "backend/http/router.h"
#include "backend/repositories/profilerepository.h"
#include "backend/routes/routes.h"
#include "backend/server/servercontext.h"
#include "common/logging.h"
#include "common/ratelimiter.h"

#include <QRandomGenerator>

namespace vesper::backend {

class InMemoryRateLimitStoreHolder {
public:
    InMemoryRateLimitStore store;
};

BackendServer::BackendServer(ServerConfig config)
    : m_config(std::move(config))
{
}

BackendServer::~BackendServer()
{
    stop();
}

bool BackendServer::start(QString *error)
{
    m_db = std::make_unique<Database>(m_config.db);
    if (!m_db->check(error)) {
        *error = QStringLiteral("database %1: %2").arg(m_config.db.redacted(), *error);
        return false;
    }
    Migrator migrator(*m_db);
    if (!migrator.migrate(error))
        return false;
    if (!m_config.ensureJwtSecret(error))
        return false;
    // Ended sessions' refresh tokens go now (cheap through their index) and every hour after.
    m_sessionSweeper = std::make_unique<SessionSweeper>(*m_db, m_config);
    m_sessionSweeper->start();
    m_limits = std::make_unique<InMemoryRateLimitStoreHolder>();
    m_context.reset(new ServerContext{m_config, *m_db, JwtCodec(m_config.jwtSecret, m_config.jwtAudience), m_limits->store, {}, {}});
    if (m_config.embedded) {
        // One local profile; the bearer token is random per launch and lives only in memory.
        ProfileRepository profiles(*m_db);
        m_context->embeddedUserId = profiles.ensureLocalProfile(m_config.defaultCredits);
        QByteArray random(32, Qt::Uninitialized);
        QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                             reinterpret_cast<quint32 *>(random.data() + random.size()));
        m_context->embeddedToken = "vesper-local-" + random.toHex();
    }
    m_router = std::make_unique<Router>();
    addHealthRoutes(*m_router, *m_context);
    addAuthRoutes(*m_router, *m_context);
    addBootstrapRoutes(*m_router, *m_context);
    addModelRoutes(*m_router, *m_context);
    addProjectRoutes(*m_router, *m_context);
    addMemberRoutes(*m_router, *m_context);
    addSessionRoutes(*m_router, *m_context);
    addGenerationRoutes(*m_router, *m_context);
    addChangesRoutes(*m_router, *m_context);
    addGenerateRoutes(*m_router, *m_context);
    addUploadRoutes(*m_router, *m_context);
    m_dispatcher = std::make_unique<ApiDispatcher>(*m_router, *m_context);
    ApiDispatcher *dispatcher = m_dispatcher.get();
    m_http = std::make_unique<HttpServer>(
        [dispatcher](HttpRequest &request) { return dispatcher->handle(request); },
        [dispatcher](const QByteArray &method, const QString &path) { return dispatcher->bodyLimit(method, path); },
        [](const HttpRequest &, qint64 limit) { return ApiDispatcher::tooLarge(limit); },
        [dispatcher](HttpRequest &request) { return dispatcher->preflight(request); });
    HttpServerLimits limits;
    limits.threads = m_config.threads;
    limits.connectionsPerIp = m_config.connectionsPerIp;
    if (!m_http->listen(m_config.listenHost, m_config.listenPort, limits, error))
        return false;
    WorkerPool::startFor(*m_context);
    return true;
}

void BackendServer::stop()
{
    if (m_http)
        m_http->stop();
    WorkerPool::stopFor(m_context.get());
    m_sessionSweeper.reset();
}

quint16 BackendServer::port() const
{
    return m_http ? m_http->port() : 0;
}

} // namespace vesper::backend
