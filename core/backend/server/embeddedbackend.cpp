#include "backend/server/embeddedbackend.h"
#include "backend/config/providersettingsstore.h"
#include "backend/context/servercontext.h"
#include "backend/server/backendserver.h"
#include "backend/server/librarylock.h"

#include <QCoreApplication>

namespace vesper::backend {

EmbeddedBackend::EmbeddedBackend(BackendSettings settings)
    : m_settings(std::move(settings))
{
    m_settings.embedded = true;
    m_settings.listenHost = QStringLiteral("127.0.0.1");
    m_settings.listenPort = 0;
    m_settings.connectionsPerIp = 0; // the app itself is the only client, on loopback
}

EmbeddedBackend::~EmbeddedBackend()
{
    stop();
}

bool EmbeddedBackend::start(QString *error)
{
    if (m_server)
        return true;
    auto lock = std::make_unique<LibraryLock>(m_settings.dataDir);
    if (!lock->acquire(error))
        return false;
    auto server = std::make_unique<BackendServer>(m_settings);
    if (!server->start(error))
        return false; // its destructor stops whatever had started
    LibraryEndpoint endpoint;
    endpoint.port = server->port();
    endpoint.pid = QCoreApplication::applicationPid();
    endpoint.localUserId = server->context().embeddedUserId;
    if (!lock->publish(endpoint, error)) {
        server->stop();
        return false;
    }
    m_lock = std::move(lock);
    m_server = std::move(server);
    return true;
}

void EmbeddedBackend::stop()
{
    if (!m_server)
        return;
    // Provider settings set at runtime survive a restart of this object.
    m_settings.providers = *m_server->context().providers.snapshot();
    m_server->stop();
    m_server.reset();
    m_lock.reset(); // after the database is closed: the next owner finds a checkpointed file
}

bool EmbeddedBackend::isRunning() const
{
    return m_server != nullptr;
}

QString EmbeddedBackend::baseUrl() const
{
    return m_server ? QStringLiteral("http://127.0.0.1:%1").arg(m_server->port()) : QString();
}

QByteArray EmbeddedBackend::accessToken() const
{
    return m_server ? m_server->context().embeddedToken : QByteArray();
}

QString EmbeddedBackend::localUserId() const
{
    return m_server ? m_server->context().embeddedUserId : QString();
}

ProviderSettings EmbeddedBackend::providerSettings() const
{
    return m_server ? *m_server->context().providers.snapshot() : m_settings.providers;
}

void EmbeddedBackend::setProviderSettings(const ProviderSettings &settings)
{
    if (m_server)
        m_server->context().providers.replace(settings);
    else
        m_settings.providers = settings;
}

} // namespace vesper::backend
