#pragma once
// The one place every request passes: request id, routing, authentication, rate limits, error
// mapping, gzip, Server-Timing, metrics and the access log. Routes only see a RequestContext.
#include "backend/http/httpmessage.h"
#include "backend/http/httpserver.h"

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
    /// The answer for a request the HTTP layer refused itself (413, 503 or 429 with Retry-After, 400).
    static HttpResponse refusal(Refusal kind, qint64 limit, const QString &reason);
    /// How a request line's body is taken: uploads are spooled to disk under the upload limit,
    /// signed-out routes get a small limit (a sign-in is a few hundred bytes), the rest the JSON one.
    BodyPolicy bodyPolicy(const QByteArray &method, const QString &path) const;

private:
    QString authenticate(const HttpRequest &request);

    const Router &m_router;
    ServerContext &m_context;
};

} // namespace vesper::backend
