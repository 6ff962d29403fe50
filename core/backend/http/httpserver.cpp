#include "backend/http/httpserver.h"

#include <QIODevice>
#include "common/logging.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <cstring>

namespace vesper::backend {

struct HttpServer::Exchange {
    HttpRequest request;
    qint64 limit = 0;
    qint64 received = 0;
    bool tooLarge = false;
    bool answered = false;
};

namespace {

MHD_Result collectHeader(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    auto *request = static_cast<HttpRequest *>(cls);
    request->headers.insert(QByteArray(key).toLower(), QByteArray(value ? value : ""));
    return MHD_YES;
}

MHD_Result collectArgument(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    auto *request = static_cast<HttpRequest *>(cls);
    request->query.insert(QString::fromUtf8(key), value ? QString::fromUtf8(value) : QString());
    return MHD_YES;
}

constexpr size_t kFileBlock = 64 * 1024;

// A file body, read block by block on the connection's thread as the socket drains.
ssize_t readFileBlock(void *cls, uint64_t position, char *buffer, size_t max)
{
    QIODevice &file = **static_cast<std::shared_ptr<QIODevice> *>(cls);
    if (qint64(position) != file.pos() && !file.seek(qint64(position)))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    const qint64 read = file.read(buffer, qint64(max));
    if (read < 0)
        return MHD_CONTENT_READER_END_WITH_ERROR;
    return read == 0 ? MHD_CONTENT_READER_END_OF_STREAM : ssize_t(read);
}

void releaseFile(void *cls)
{
    delete static_cast<std::shared_ptr<QIODevice> *>(cls);
}

MHD_Result queue(MHD_Connection *connection, const HttpResponse &response)
{
    MHD_Response *mhd = response.file
        ? MHD_create_response_from_callback(uint64_t(response.fileSize), kFileBlock, readFileBlock,
                                            new std::shared_ptr<QIODevice>(response.file), releaseFile)
        : MHD_create_response_from_buffer(size_t(response.body.size()), const_cast<char *>(response.body.constData()),
                                          MHD_RESPMEM_MUST_COPY);
    if (!mhd)
        return MHD_NO;
    if (!response.contentType.isEmpty())
        MHD_add_response_header(mhd, MHD_HTTP_HEADER_CONTENT_TYPE, response.contentType.constData());
    for (const auto &header : response.headers)
        MHD_add_response_header(mhd, header.first.constData(), header.second.constData());
    const MHD_Result result = MHD_queue_response(connection, unsigned(response.status), mhd);
    MHD_destroy_response(mhd);
    return result;
}

MHD_Result onAccess(void *cls, MHD_Connection *connection, const char *url, const char *method,
                    const char *, const char *uploadData, size_t *uploadSize, void **requestState)
{
    auto *server = static_cast<HttpServer *>(cls);
    auto *exchange = static_cast<HttpServer::Exchange *>(*requestState);
    if (!exchange) {
        exchange = new HttpServer::Exchange;
        *requestState = exchange;
        HttpRequest &request = exchange->request;
        request.method = QByteArray(method);
        request.path = QString::fromUtf8(url);
        MHD_get_connection_values(connection, MHD_HEADER_KIND, collectHeader, &request);
        MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collectArgument, &request);
        if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS)) {
            char text[INET6_ADDRSTRLEN] = {};
            const sockaddr *address = info->client_addr;
            if (address && address->sa_family == AF_INET)
                inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(address)->sin_addr, text, sizeof text);
            else if (address && address->sa_family == AF_INET6)
                inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(address)->sin6_addr, text, sizeof text);
            request.remoteAddress = QString::fromLatin1(text);
        }
        exchange->limit = server->bodyLimit()(request.method, request.path);
        bool ok = false;
        const qint64 declared = request.header("content-length").toLongLong(&ok);
        if (ok && declared > exchange->limit) {
            // Refuse before reading a byte of the body; libmicrohttpd closes the connection after.
            exchange->tooLarge = true;
            exchange->answered = true;
            return queue(connection, server->tooLarge()(request, exchange->limit));
        }
        const bool hasBody = (ok && declared > 0) || request.header("transfer-encoding").toLower().contains("chunked");
        if (hasBody && server->preflight()) {
            std::optional<HttpResponse> early;
            try {
                early = server->preflight()(request);
            } catch (...) {
                early.reset(); // the handler decides, with the body
            }
            if (early) {
                // Answered from the headers: the body is never read (it is dropped like a 413's).
                exchange->tooLarge = true;
                exchange->answered = true;
                return queue(connection, *early);
            }
        }
        return MHD_YES;
    }
    if (*uploadSize > 0) {
        const qint64 size = qint64(*uploadSize);
        exchange->received += size;
        if (!exchange->tooLarge && exchange->request.body.size() + size > exchange->limit) {
            // A chunked body that grew past the limit: drop what we hold and answer now.
            exchange->tooLarge = true;
            exchange->request.body.clear();
            exchange->request.body.squeeze();
            if (queue(connection, server->tooLarge()(exchange->request, exchange->limit)) == MHD_YES) {
                exchange->answered = true;
                *uploadSize = 0;
                return MHD_YES;
            }
        }
        if (!exchange->tooLarge)
            exchange->request.body.append(uploadData, qsizetype(size));
        else if (exchange->received > 16 * exchange->limit + (1 << 20))
            return MHD_NO; // a client that keeps streaming after a 413 is cut off
        *uploadSize = 0;
        return MHD_YES;
    }
    if (exchange->answered)
        return MHD_YES;
    exchange->answered = true;
    if (exchange->tooLarge)
        return queue(connection, server->tooLarge()(exchange->request, exchange->limit));
    HttpResponse response;
    try {
        response = server->handler()(exchange->request);
    } catch (...) {
        response.status = 500;
        response.body = R"({"error":"internal error","code":"INTERNAL_ERROR"})";
    }
    return queue(connection, response);
}

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

// Percent-decoding for the path and query, in place. "%00" stays encoded: decoded, it would end
// the C string libmicrohttpd hands us and silently cut "/api/projects/P%00/members/M" down to
// "/api/projects/P" - another route. Left as text it is just an id that matches nothing.
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

void onCompleted(void *, MHD_Connection *, void **requestState, MHD_RequestTerminationCode)
{
    delete static_cast<HttpServer::Exchange *>(*requestState);
    *requestState = nullptr;
}

void onPanic(void *, const char *file, unsigned int line, const char *reason)
{
    qCCritical(lcHttp) << "libmicrohttpd panic at" << file << line << (reason ? reason : "");
    std::abort();
}

} // namespace

HttpServer::HttpServer(Handler handler, BodyLimit bodyLimit, TooLarge tooLarge, Preflight preflight)
    : m_handler(std::move(handler))
    , m_bodyLimit(std::move(bodyLimit))
    , m_tooLarge(std::move(tooLarge))
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
    MHD_set_panic_func(onPanic, nullptr);
    const unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_TURBO;
    m_daemon = MHD_start_daemon(flags, port, nullptr, nullptr, &onAccess, this,
        MHD_OPTION_SOCK_ADDR, reinterpret_cast<const sockaddr *>(&address),
        MHD_OPTION_THREAD_POOL_SIZE, unsigned(std::max(1, limits.threads)),
        MHD_OPTION_CONNECTION_LIMIT, unsigned(limits.connectionLimit),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, unsigned(std::max(0, limits.connectionsPerIp)),
        MHD_OPTION_CONNECTION_TIMEOUT, unsigned(limits.idleTimeoutSeconds),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, size_t(limits.connectionMemoryBytes),
        MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
        MHD_OPTION_NOTIFY_COMPLETED, &onCompleted, this,
        MHD_OPTION_UNESCAPE_CALLBACK, &unescape, nullptr,
        MHD_OPTION_END);
    if (!m_daemon) {
        *error = QStringLiteral("cannot listen on %1:%2 (address in use or not permitted)").arg(host).arg(port);
        return false;
    }
    const MHD_DaemonInfo *info = MHD_get_daemon_info(m_daemon, MHD_DAEMON_INFO_BIND_PORT);
    m_port = info ? info->port : port;
    return true;
}

void HttpServer::stop()
{
    if (m_daemon) {
        MHD_stop_daemon(m_daemon);
        m_daemon = nullptr;
    }
}

} // namespace vesper::backend
