#include "backend/http/httpexchange.h"
#include "backend/http/bodybudget.h"
#include "backend/http/requestframing.h"
#include "backend/http/responsestream.h"

#include <QIODevice>

namespace vesper::backend {

HttpServer::Exchange::~Exchange()
{
    if (!forwardedClient.isEmpty())
        server->watch().leaveForwarded(forwardedClient);
}

namespace {

constexpr size_t kFileBlock = 64 * 1024;
constexpr int kBusyRetrySeconds = 5;

struct HeadReader {
    HttpRequest *request;
    HeaderLines lines;
};

MHD_Result collectHeader(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    auto *reader = static_cast<HeadReader *>(cls);
    const QByteArray name = QByteArray(key).toLower();
    const QByteArray text(value ? value : "");
    reader->lines.append({name, text});
    if (name == "x-forwarded-for" && reader->request->headers.contains(name)) // repeated: one list
        reader->request->headers[name] += ", " + text;
    else
        reader->request->headers.insert(name, text);
    return MHD_YES;
}

MHD_Result collectArgument(void *cls, MHD_ValueKind, const char *key, const char *value)
{
    auto *request = static_cast<HttpRequest *>(cls);
    request->query.insert(QString::fromUtf8(key), value ? QString::fromUtf8(value) : QString());
    return MHD_YES;
}

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

constexpr size_t kStreamBlock = 16 * 1024;

/// A streamed body as libmicrohttpd holds it: the stream and the server that tracks it.
struct StreamHandle {
    std::shared_ptr<ResponseStream> stream;
    HttpServer *server;
};

ssize_t readStreamBlock(void *cls, uint64_t, char *buffer, size_t max)
{
    return ssize_t(static_cast<StreamHandle *>(cls)->stream->readInto(buffer, max));
}

void releaseStream(void *cls)
{
    auto *handle = static_cast<StreamHandle *>(cls);
    handle->server->untrackStream(handle->stream.get());
    handle->stream->released();
    delete handle;
}

MHD_Response *createStreamResponse(MHD_Connection *connection, HttpServer *server, const std::shared_ptr<ResponseStream> &stream)
{
    if (!server)
        return nullptr;
    stream->attach(connection);
    server->trackStream(stream.get());
    MHD_Response *mhd = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, kStreamBlock, readStreamBlock,
                                                          new StreamHandle{stream, server}, releaseStream);
    if (!mhd)
        server->untrackStream(stream.get());
    return mhd;
}

MHD_Result queue(MHD_Connection *connection, const HttpResponse &response, HttpServer *server = nullptr)
{
    MHD_Response *mhd = response.stream ? createStreamResponse(connection, server, response.stream)
        : response.file
        ? MHD_create_response_from_callback(uint64_t(response.fileSize), kFileBlock, readFileBlock,
                                            new std::shared_ptr<QIODevice>(response.file), releaseFile)
        : MHD_create_response_from_buffer(size_t(response.body.size()), const_cast<char *>(response.body.constData()),
                                          MHD_RESPMEM_MUST_COPY);
    if (!mhd) {
        if (response.stream)
            response.stream->released(); // never queued: its producer learns at once
        return MHD_NO;
    }
    if (!response.contentType.isEmpty())
        MHD_add_response_header(mhd, MHD_HTTP_HEADER_CONTENT_TYPE, response.contentType.constData());
    for (const auto &header : response.headers)
        MHD_add_response_header(mhd, header.first.constData(), header.second.constData());
    const MHD_Result result = MHD_queue_response(connection, unsigned(response.status), mhd);
    MHD_destroy_response(mhd);
    return result;
}

/// Answers from the head alone. libmicrohttpd then reads no body and closes the connection after
/// the answer, so nothing the client sends next is taken as another request.
MHD_Result answerNow(MHD_Connection *connection, HttpServer::Exchange &exchange, HttpResponse response)
{
    exchange.answered = true;
    exchange.body.drop(exchange.request.body);
    response.setHeader("Connection", "close");
    return queue(connection, response);
}

/// Refuses mid-body: what is held goes at once; the answer goes out now if libmicrohttpd lets it,
/// else when the body has ended (its bytes are dropped as they come).
void refuseMidBody(MHD_Connection *connection, HttpServer::Exchange &exchange, HttpResponse response)
{
    exchange.body.drop(exchange.request.body);
    response.setHeader("Connection", "close");
    if (queue(connection, response) == MHD_YES)
        exchange.answered = true;
    else
        exchange.refusal = std::move(response);
}

/// Reads the head into the request; an answer when the head alone decides it.
std::optional<HttpResponse> readHead(HttpServer &server, MHD_Connection *connection, HttpServer::Exchange &exchange,
                                     const char *url, const char *method, const char *version)
{
    HttpRequest &request = exchange.request;
    request.method = QByteArray(method);
    const QByteArray target = exchange.rawTarget.isEmpty() ? QByteArray(url) : exchange.rawTarget;
    const qsizetype question = target.indexOf('?');
    request.path = QString::fromUtf8(question < 0 ? target : target.left(question));
    HeadReader head{&request, {}};
    MHD_get_connection_values(connection, MHD_HEADER_KIND, collectHeader, &head);
    MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, collectArgument, &request);
    const QString problem = framingProblem(head.lines, QByteArray(version));
    if (!problem.isEmpty())
        return server.refusalPage()(Refusal::BadFraming, 0, problem);

    const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const QString peer = info ? AddressSet::textOf(info->client_addr) : QString();
    request.remoteAddress = peer;
    ConnectionWatch &watch = server.watch();
    if (watch.isTrustedProxy(peer)) {
        // Behind our proxy the client is the forwarded one: it counts for the rate limits and the
        // per-client cap. From anyone else X-Forwarded-For is just a claim and changes nothing.
        const QString client = watch.trustedProxies().forwardedClient(peer, request.header("x-forwarded-for"));
        request.remoteAddress = client;
        if (client != peer) {
            if (!watch.enterForwarded(client))
                return server.refusalPage()(Refusal::TooManyFromClient, kBusyRetrySeconds, {});
            exchange.forwardedClient = client;
        }
    }
    return std::nullopt;
}

/// Prepares for the body; an answer when it is refused from the head (too large, no such route or
/// no valid token, no room in the budget).
std::optional<HttpResponse> startBody(HttpServer &server, HttpServer::Exchange &exchange)
{
    HttpRequest &request = exchange.request;
    const BodyPolicy policy = server.bodyRule()(request.method, request.path);
    exchange.limit = policy.limit;
    bool declaredOk = false;
    const qint64 declared = request.header("content-length").toLongLong(&declaredOk);
    if (declaredOk && declared > exchange.limit)
        return server.refusalPage()(Refusal::TooLarge, exchange.limit, {});
    const bool chunked = request.headers.contains("transfer-encoding");
    const bool hasBody = (declaredOk && declared > 0) || chunked;
    const HttpServerLimits &limits = server.limits();
    if (!hasBody) {
        server.watch().setDeadlineIn(exchange.connection, 0); // the handler's turn
        return std::nullopt;
    }
    if (server.preflight()) {
        std::optional<HttpResponse> early;
        try {
            early = server.preflight()(request);
        } catch (...) {
            early.reset(); // the handler decides, with the body
        }
        if (early)
            return early;
    }
    const QString spoolDir = policy.spool ? limits.spoolDir : QString();
    if (exchange.body.begin(declaredOk ? declared : -1, server.memoryBudget(), server.spoolBudget(), spoolDir)
        != BodyCollector::Outcome::Ok)
        return server.refusalPage()(Refusal::Busy, kBusyRetrySeconds, {});
    // The whole body has a fixed time, from its size: a trickle does not buy more.
    const qint64 size = declaredOk ? declared : exchange.limit;
    const qint64 ms = qint64(limits.bodyTimeoutSeconds) * 1000 + size * 1000 / std::max<qint64>(1, limits.bodyMinBytesPerSecond);
    server.watch().setDeadlineIn(exchange.connection, ms);
    return std::nullopt;
}

} // namespace

namespace httpexchange {

void *onRequestLine(void *cls, const char *uri, MHD_Connection *connection)
{
    auto *server = static_cast<HttpServer *>(cls);
    auto *exchange = new HttpServer::Exchange;
    exchange->server = server;
    exchange->rawTarget = QByteArray(uri ? uri : "");
    if (const MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT))
        exchange->connection = static_cast<ConnectionWatch::Entry *>(info->socket_context);
    server->watch().requestLineSeen(exchange->connection);
    return exchange;
}

MHD_Result onAccess(void *cls, MHD_Connection *connection, const char *url, const char *method, const char *version,
                    const char *uploadData, size_t *uploadSize, void **requestState)
{
    auto *server = static_cast<HttpServer *>(cls);
    auto *exchange = static_cast<HttpServer::Exchange *>(*requestState);
    if (!exchange) { // no request-line callback ran (not expected): start here
        exchange = static_cast<HttpServer::Exchange *>(onRequestLine(server, nullptr, connection));
        *requestState = exchange;
    }
    if (!exchange->headSeen) {
        exchange->headSeen = true;
        std::optional<HttpResponse> early = readHead(*server, connection, *exchange, url, method, version);
        if (!early)
            early = startBody(*server, *exchange);
        if (early)
            return answerNow(connection, *exchange, std::move(*early));
        return MHD_YES;
    }
    if (*uploadSize > 0) {
        const qint64 size = qint64(*uploadSize);
        *uploadSize = 0;
        if (server->watch().expired(exchange->connection))
            return MHD_NO; // past its deadline: the connection is closed now
        if (exchange->answered || exchange->refusal) {
            if (exchange->body.received() > 16 * exchange->limit + (1 << 20))
                return MHD_NO; // a client that keeps streaming after a refusal is cut off
            exchange->body.append(uploadData, size, exchange->request.body); // counted, not kept
            return MHD_YES;
        }
        if (exchange->body.received() + size > exchange->limit) {
            // A chunked body that grew past the limit.
            refuseMidBody(connection, *exchange, server->refusalPage()(Refusal::TooLarge, exchange->limit, {}));
            return MHD_YES;
        }
        if (exchange->body.append(uploadData, size, exchange->request.body) != BodyCollector::Outcome::Ok)
            refuseMidBody(connection, *exchange, server->refusalPage()(Refusal::Busy, kBusyRetrySeconds, {}));
        return MHD_YES;
    }
    if (exchange->answered)
        return MHD_YES;
    exchange->answered = true;
    server->watch().setDeadlineIn(exchange->connection, 0);
    if (exchange->refusal)
        return queue(connection, *exchange->refusal);
    exchange->body.finish(exchange->request);
    HttpResponse response;
    try {
        response = server->handler()(exchange->request);
    } catch (...) {
        response.status = 500;
        response.body = R"({"error":"internal error","code":"INTERNAL_ERROR"})";
    }
    return queue(connection, response, server);
}

void onCompleted(void *cls, MHD_Connection *, void **requestState, MHD_RequestTerminationCode)
{
    auto *server = static_cast<HttpServer *>(cls);
    auto *exchange = static_cast<HttpServer::Exchange *>(*requestState);
    if (exchange)
        server->watch().awaitNextRequest(exchange->connection);
    delete exchange; // its body and its budget go with it, also when the client left mid-body
    *requestState = nullptr;
}

} // namespace httpexchange
} // namespace vesper::backend
