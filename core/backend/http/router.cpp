#include "backend/http/router.h"

namespace vesper::backend {

void Router::add(const QByteArray &method, const QString &pattern, std::function<HttpResponse(RequestContext &)> handler,
                 bool requiresAuth)
{
    Route route;
    route.method = method;
    route.pattern = pattern;
    route.segments = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    route.requiresAuth = requiresAuth;
    route.handler = std::move(handler);
    m_routes.append(std::move(route));
}

const Route *Router::match(const QByteArray &method, const QString &path, QHash<QString, QString> *params,
                           bool *methodMismatch) const
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    *methodMismatch = false;
    for (const Route &route : m_routes) {
        if (route.segments.size() != parts.size())
            continue;
        QHash<QString, QString> found;
        bool matches = true;
        for (int i = 0; i < parts.size() && matches; ++i) {
            const QString &segment = route.segments.at(i);
            if (segment.startsWith(QLatin1Char('{')))
                found.insert(segment.mid(1, segment.size() - 2), parts.at(i));
            else
                matches = segment == parts.at(i);
        }
        if (!matches)
            continue;
        // HEAD is GET without the body (RFC 9110); libmicrohttpd leaves the body out by itself.
        if (route.method != method && !(method == "HEAD" && route.method == "GET")) {
            *methodMismatch = true;
            continue;
        }
        *params = std::move(found);
        return &route;
    }
    return nullptr;
}

} // namespace vesper::backend
