#pragma once
// Maps a method and a path pattern ("/api/projects/{id}") to a handler.
#include "backend/http/httpmessage.h"

#include <QHash>
#include <QList>
#include <QStringList>
#include <functional>

namespace vesper::backend {

/// What a handler gets: the request, the path parameters, and who is calling.
struct RequestContext {
    HttpRequest &request;
    QHash<QString, QString> params;
    QString userId;     // empty on public routes
    QString requestId;

    QString param(const QString &name) const { return params.value(name); }
};

struct Route {
    QByteArray method;
    QString pattern;        // used as the metrics and log label
    QStringList segments;
    bool requiresAuth = true;
    std::function<HttpResponse(RequestContext &)> handler;
};

class Router {
public:
    void add(const QByteArray &method, const QString &pattern, std::function<HttpResponse(RequestContext &)> handler,
             bool requiresAuth = true);
    /// The matching route with its parameters; methodMismatch is set when only the method differs.
    /// `path` is the raw one: split on '/', then each segment percent-decoded.
    const Route *match(const QByteArray &method, const QString &path, QHash<QString, QString> *params,
                       bool *methodMismatch) const;

    /// One raw path segment, percent-decoded.
    static QString decodeSegment(const QString &segment);

private:
    QList<Route> m_routes;
};

} // namespace vesper::backend
