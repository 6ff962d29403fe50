#include "backend/http/httpserver.h"
#include "backend/http/bodybudget.h"
#include "backend/http/connectionwatch.h"
#include "backend/http/httpexchange.h"
#include "backend/http/responsestream.h"
#include "common/logging.h"
#include "common/metrics.h"

#include <QDir>
#include <QFile>

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

namespace vesper::backend {
namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decoding for the query, in place (the path is routed from the raw request line instead).
// "%00" stays encoded: decoded, it would end the C string libmicrohttpd hands us.
size_t unescape(void *, MHD_Connection *, char *text)
{
    char *out = text;
    for (const char *in = text; *in; ++in) {
        if (in[0] == '%' && in[1] && in[2]) {
            const int high = hexValue(in[1]);
            const int low = hexValue(in[2]);
            if (high >= 0 && low >= 0 && (high | low) != 0) {
                *out++ = char(high * 16 + low);
                in += 2;
                continue;
            }
        }
        *out++ = *in;
    }
    *out = '\0';
    return size_t(out - text);
}

MHD_Result admitConnection(void *cls, const sockaddr *address, socklen_t)
{
    auto *server = static_cast<HttpServer *>(cls);
    return server->watch().admits(AddressSet::textOf(address)) ? MHD_YES : MHD_NO;
}

void onConnection(void *cls, MHD_Connection *connection, void **socketContext, MHD_ConnectionNotificationCode code)
{
    auto *server = static_cast<HttpServer *>(cls);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const MHD_ConnectionInfo *fd = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        const MHD_ConnectionInfo *peer = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        *socketContext = server->watch().opened(fd ? fd->connect_fd : -1, peer ? AddressSet::textOf(peer->client_addr) : QString());
    } else {
        server->watch().closed(static_cast<ConnectionWatch::Entry *>(*socketContext));
        *socketContext = nullptr;
    }
}

void onPanic(void *, const char *file, unsigned int line, const char *reason)
{
    qCCritical(lcHttp) << "libmicrohttpd panic at" << file << line << (reason ? reason : "");
    std::abort();
}

/// The spool folder, emptied of bodies a crashed run left behind.
QString prepareSpoolDir(const QString &configured)
{
    const QString dir = configured.isEmpty() ? QDir::tempPath() : configured;
    QDir().mkpath(dir);
    if (!configured.isEmpty()) {
        for (const QString &name : QDir(dir).entryList({QStringLiteral("body-*")}, QDir::Files))
            QFile::remove(dir + QLatin1Char('/') + name);
    }
    return dir;
}

} // namespace

HttpServer::HttpServer(Handler handler, BodyRule bodyRule, RefusalPage refusalPage, Preflight preflight)
    : m_handler(std::move(handler))
    , m_bodyRule(std::move(bodyRule))
    , m_refusalPage(std::move(refusalPage))
    , m_preflight(std::move(preflight))
{
}

HttpServer::~HttpServer()
{
    stop();
}

bool HttpServer::listen(const QString &host, quint16 port, const HttpServerLimits &limits, QString *error)
{
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    const QString resolved = host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host;
    if (inet_pton(AF_INET, resolved.toLatin1().constData(), &address.sin_addr) != 1) {
        *error = QStringLiteral("listen address \"%1\" is not an IPv4 address").arg(host);
        return false;
    }
    m_limits = limits;
    m_limits.spoolDir = prepareSpoolDir(limits.spoolDir);
    m_watch = std::make_unique<ConnectionWatch>(ConnectionWatchSettings{
        limits.headTimeoutSeconds, limits.idleTimeoutSeconds, std::max(0, limits.connectionsPerIp), limits.trustedProxies});
    m_memory = std::make_unique<BodyBudget>(limits.bodyMemoryBytes);
    m_spool = std::make_unique<BodyBudget>(limits.spoolBytes);
    MHD_set_panic_func(onPanic, nullptr);
    // Suspend/resume: an idle streamed response (SSE) sleeps outside the poll set, costing no thread.
    const unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_TURBO | MHD_ALLOW_SUSPEND_RESUME;
    m_daemon = MHD_start_daemon(flags, port, &admitConnection, this, &httpexchange::onAccess, this,
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr *>(&address),
        MHD_OPTION_THREAD_POOL_SIZE, unsigned(std::max(1, limits.threads)),
        MHD_OPTION_CONNECTION_LIMIT, unsigned(std::max(1, limits.connectionLimit)),
        MHD_OPTION_CONNECTION_TIMEOUT, unsigned(limits.idleTimeoutSeconds),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, size_t(limits.connectionMemoryBytes),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
        MHD_OPTION_NOTIFY_CONNECTION, &onConnection, this,
        MHD_OPTION_URI_LOG_CALLBACK, &httpexchange::onRequestLine, this,
        MHD_OPTION_NOTIFY_COMPLETED, &httpexchange::onCompleted, this,
        MHD_OPTION_UNESCAPE_CALLBACK, &unescape, nullptr,
        MHD_OPTION_END);
    if (!m_daemon) {
        *error = QStringLiteral("cannot listen on %1:%2 (address in use or not permitted)").arg(host).arg(port);
        return false;
    }
    const MHD_DaemonInfo *info = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_BIND_PORT);
    m_port = info ? info->port : port;
    auto &metrics = MetricsRegistry::instance();
    ConnectionWatch *watch = m_watch.get();
    BodyBudget *memory = m_memory.get();
    BodyBudget *spool = m_spool.get();
    m_gauges = {
        metrics.addCallbackGauge(QStringLiteral("vesper_http_open_connections"), [watch] { return double(watch->openConnections()); }),
        metrics.addCallbackGauge(QStringLiteral("vesper_http_deadline_cuts"), [watch] { return double(watch->cutConnections()); }),
        metrics.addCallbackGauge(QStringLiteral("vesper_http_body_memory_bytes"), [memory] { return double(memory->used()); }),
        metrics.addCallbackGauge(QStringLiteral("vesper_http_upload_spool_bytes"), [spool] { return double(spool->used()); }),
        metrics.addCallbackGauge(QStringLiteral("vesper_http_open_streams"), [this] { return double(openStreams()); }),
    };
    return true;
}

void HttpServer::stop()
{
    if (m_daemon) {
        {
            // libmicrohttpd must not stop with a connection suspended: wake every stream to end.
            std::lock_guard lock(m_streamsMutex);
            for (ResponseStream *stream : m_streams)
                stream->abort();
        }
        MHD_stop_daemon(m_daemon);
        m_daemon = nullptr;
        auto &metrics = MetricsRegistry::instance();
        for (const quint64 gauge : std::as_const(m_gauges))
            metrics.removeCallbackGauge(gauge); // this server's only: another in the process keeps its own
        m_gauges.clear();
    }
    m_watch.reset(); // after the daemon: its last callbacks still use it
    m_memory.reset();
    m_spool.reset();
}

void HttpServer::trackStream(ResponseStream *stream)
{
    std::lock_guard lock(m_streamsMutex);
    m_streams.insert(stream);
}

void HttpServer::untrackStream(ResponseStream *stream)
{
    std::lock_guard lock(m_streamsMutex);
    m_streams.erase(stream);
}

int HttpServer::openStreams() const
{
    std::lock_guard lock(m_streamsMutex);
    return int(m_streams.size());
}

} // namespace vesper::backend
