#pragma once
// The one place every request passes: request id, routing, authentication, rate limits, error
// mapping, gzip, Server-Timing, metrics and the access log. Routes only see a RequestContext.
#include "backend/http/httpmessage.h"

#include <optional>

namespace vesper::backend {

class Router;
struct ServerContext;

class ApiDispatcher {
public:
    ApiDispatcher(const Router &router, ServerContext &context);

    HttpResponse handle(HttpRequest &request);
    /// A request with a body, by its headers: the answer when the body cannot change it (no route,
    /// no valid token), so nobody unknown gets a body buffered; nullopt to read the body.
    std::optional<HttpResponse> preflight(HttpRequest &request);
    /// The 413 answer for a body over its limit.
    static HttpResponse tooLarge(qint64 limit);
    /// The body limit for a request line: uploads get the larger one.
    qint64 bodyLimit(const QByteArray &method, const QString &path) const;

private:
    QString authenticate(const HttpRequest &request);

    const Router &m_router;
    ServerContext &m_context;
};

} // namespace vesper::backend
