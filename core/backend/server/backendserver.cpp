#include "backend/server/backendserver.h"
#include "backend/auth/sessionsweeper.h"
#include "backend/catalog/modelcatalog.h"
#include "backend/config/providersettingsstore.h"
#include "backend/context/servercontext.h"
#include "backend/db/database.h"
#include "backend/db/migrator.h"
#include "backend/generation/workerpool.h"
#include "backend/http/apidispatcher.h"
#include "backend/http/httpserver.h"
#include "backend/http/router.h"
#include "backend/live/changestreamhub.h"
#include "backend/db/changenotifier.h"
#include "backend/repositories/profilerepository.h"
#include "backend/repositories/sharedratelimits.h"
#include "backend/routes/routes.h"
#include "backend/storage/objectstore.h"
#include "backend/skills/skillregistry.h"
#include "backend/context/assistantrunner.h"
#include "common/circuitbreaker.h"
#include "common/logging.h"
#include "common/ratelimiter.h"

#include <QRandomGenerator>
#include <algorithm>
#ifdef Q_OS_UNIX
#include <sys/resource.h>
#endif

namespace vesper::backend {

BackendServer::BackendServer(BackendSettings settings)
    : m_settings(std::move(settings))
{
}

BackendServer::~BackendServer()
{
    stop();
}

bool BackendServer::start(QString *error)
{
    // Every instance of a team writes the same folder: one that cannot is refused now, not at its
    // first generation.
    if (!ObjectStore(m_settings.storagePath).probeWritable(error))
        return false;
    m_db = std::make_unique<Database>(m_settings.db);
    if (!m_db->check(error)) {
        *error = QStringLiteral("database %1: %2").arg(m_settings.db.redacted(), *error);
        return false;
    }
    Migrator migrator(*m_db);
    if (!migrator.migrate(error))
        return false;
    if (!m_settings.ensureJwtSecret(error))
        return false;
    // Ended sessions' refresh tokens go now (cheap through their index) and every hour after.
    m_sessionSweeper = std::make_unique<SessionSweeper>(*m_db, m_settings);
    m_sessionSweeper->start();
    // On PostgreSQL several instances may serve one team: its limits live in the database so they
    // hold across them. SQLite has one process (and the embedded app one user): memory suffices.
    // The checks get connections of their own: a check made inside a request's transaction (the
    // submit of a generation) must count even when that transaction rolls back, as in memory.
    if (m_db->isSqlite()) {
        m_limits = std::make_unique<InMemoryRateLimitStore>();
    } else {
        m_limitDb = std::make_unique<Database>(m_settings.db);
        m_limits = std::make_unique<SharedRateLimitStore>(*m_limitDb);
    }
    m_providers = std::make_unique<ProviderSettingsStore>(m_settings.providers);
    const WorkerSettings &w = m_settings.workers;
    m_breakers = std::make_unique<CircuitBreakers>(w.breakerFailures, qint64(w.breakerCooldownSeconds) * 1000000);
    m_catalog = std::make_unique<ModelCatalog>(*m_providers, *m_breakers, m_settings.modelCosts);
    m_workers = std::make_unique<WorkerPool>(*m_db, m_settings.storagePath, w, *m_providers, *m_breakers);
    WorkerPool *workers = m_workers.get();
    m_context.reset(new ServerContext{m_settings, *m_db, JwtCodec(m_settings.jwtSecret, m_settings.jwtAudience), *m_limits,
                                      *m_providers, *m_breakers, *m_catalog, [workers] { workers->notify(); }, {}, {}, {}, {}, {}, {}});
    m_context->auth = std::make_unique<TokenAuthenticator>(m_context->config, m_context->jwt, *m_db);
    m_context->auth->start();
    m_context->costly = std::make_unique<CostlyWork>(m_settings.costlyThreadCount(), m_settings.costlyQueueLength());
    SkillRegistryOptions skillFolders;
    skillFolders.shippedDir = m_settings.shippedSkillsDir();
    skillFolders.userDir = m_settings.userSkillsDir();
    m_context->skills = std::make_unique<SkillRegistry>(skillFolders);
    qCInfo(lcServer).noquote() << QStringLiteral("skills: shipped in %1, the user's in %2").arg(skillFolders.shippedDir, skillFolders.userDir);
    m_context->assistantRunner = std::make_unique<AssistantRunner>(m_settings.assistantStreams, m_settings.assistantStreams);
    if (m_settings.embedded)
        prepareEmbeddedProfile();
    const HttpServerLimits limits = httpLimits();
    ChangeStreamSettings streams;
    streams.perUser = std::max(1, m_settings.streamsPerUser);
    // Streams may take half the connection slots by default, so requests always find room.
    streams.maxStreams = m_settings.maxStreams > 0 ? m_settings.maxStreams : std::max(1, limits.connectionLimit / 2);
    streams.heartbeatSeconds = m_settings.streamHeartbeatSeconds;
    streams.debounceMs = m_settings.streamDebounceMs;
    m_db->changes().startListening();
    m_changeStreams = std::make_unique<ChangeStreamHub>(*m_db, streams);
    m_context->changeStreams = m_changeStreams.get();
    addRoutes();
    ApiDispatcher *dispatcher = m_dispatcher.get();
    m_http = std::make_unique<HttpServer>(
        [dispatcher](HttpRequest &request) { return dispatcher->handle(request); },
        [dispatcher](const QByteArray &method, const QString &path) { return dispatcher->bodyPolicy(method, path); },
        &ApiDispatcher::refusal,
        [dispatcher](HttpRequest &request) { return dispatcher->preflight(request); });
    if (!m_http->listen(m_settings.listenHost, m_settings.listenPort, limits, error))
        return false;
    m_workers->start();
    return true;
}

HttpServerLimits BackendServer::httpLimits() const
{
    HttpServerLimits limits;
    limits.threads = m_settings.threads;
    limits.connectionsPerIp = m_settings.connectionsPerIp;
    // Slots from the descriptors this process may open, less a reserve for the database, files being
    // served and spooled uploads: thousands, so a few addresses at their cap cannot fill them.
    limits.connectionLimit = m_settings.maxConnections > 0 ? m_settings.maxConnections
                                                           : std::clamp(openFileLimit() / 2, 64, 32768);
    limits.headTimeoutSeconds = m_settings.headTimeoutSeconds;
    limits.bodyTimeoutSeconds = m_settings.bodyTimeoutSeconds;
    limits.bodyMinBytesPerSecond = m_settings.bodyMinBytesPerSecond;
    limits.bodyMemoryBytes = m_settings.bodyMemoryBytes;
    limits.spoolBytes = m_settings.uploadSpoolBytes;
    limits.spoolDir = m_settings.dataDir.isEmpty() ? QString() : m_settings.dataDir + QStringLiteral("/incoming");
    QString ignored; // checked when the settings were read
    AddressSet::parse(m_settings.trustedProxies, &limits.trustedProxies, &ignored);
    return limits;
}

int BackendServer::openFileLimit()
{
#ifdef Q_OS_UNIX
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        return limit.rlim_cur == RLIM_INFINITY ? 1 << 20 : int(std::min<rlim_t>(limit.rlim_cur, 1 << 20));
#endif
    return 1024;
}

void BackendServer::prepareEmbeddedProfile()
{
    // One local profile; the bearer token is random per launch and lives only in memory.
    ProfileRepository profiles(*m_db);
    m_context->embeddedUserId = profiles.ensureLocalProfile(m_settings.defaultCredits);
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + random.size()));
    m_context->embeddedToken = "vesper-local-" + random.toHex();
}

void BackendServer::addRoutes()
{
    m_router = std::make_unique<Router>();
    ServerContext &c = *m_context;
    addHealthRoutes(*m_router, c);
    addAuthRoutes(*m_router, c);
    addBootstrapRoutes(*m_router, c);
    addModelRoutes(*m_router, c);
    addProjectRoutes(*m_router, c);
    addMemberRoutes(*m_router, c);
    addInvitationRoutes(*m_router, c);
    addSessionRoutes(*m_router, c);
    addGenerationRoutes(*m_router, c);
    addChangesRoutes(*m_router, c);
    addGenerateRoutes(*m_router, c);
    addUploadRoutes(*m_router, c);
    addAccountRoutes(*m_router, c);
    addAssistantRoutes(*m_router, c);
    m_dispatcher = std::make_unique<ApiDispatcher>(*m_router, c);
}

void BackendServer::stop()
{
    if (m_changeStreams)
        m_changeStreams->stop(); // streams end first: nothing writes to them while HTTP winds down
    if (m_db)
        m_db->changes().stopListening();
    if (m_http)
        m_http->stop(); // no new requests: nothing enqueues while the workers wind down
    if (m_workers)
        m_workers->stop();
    m_sessionSweeper.reset();
    m_http.reset();
    m_workers.reset();
    m_dispatcher.reset();
    m_router.reset();
    m_changeStreams.reset();
    m_context.reset();
    m_catalog.reset();
    m_breakers.reset();
    m_providers.reset();
    m_limits.reset();
    m_limitDb.reset();
    // Every writer has stopped: the WAL goes into the database now, so the folder is whole on its
    // own (a copy, a backup, another program opening it) even if a connection outlives this object.
    if (m_db && !m_db->truncateWal())
        qCWarning(lcServer) << "the write-ahead log could not be emptied at stop; SQLite replays it at the next start";
    m_db.reset();
}

quint16 BackendServer::port() const
{
    return m_http ? m_http->port() : 0;
}

} // namespace vesper::backend
