#include "backend/http/router.h"

namespace vesper::backend {
namespace {
int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= '0' && u <= '9')
        return u - '0';
    if (u >= 'a' && u <= 'f')
        return u - 'a' + 10;
    if (u >= 'A' && u <= 'F')
        return u - 'A' + 10;
    return -1;
}
} // namespace

QString Router::decodeSegment(const QString &segment)
{
    if (!segment.contains(QLatin1Char('%')))
        return segment;
    // "%2F" becomes a '/' inside this one segment (an id that matches nothing), never a separator.
    // "%00" stays as it is: a NUL in an id is never meant, and kept as text it matches nothing.
    QByteArray bytes;
    const QByteArray utf8 = segment.toUtf8();
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (utf8[i] == '%' && i + 2 < utf8.size()) {
            const int high = hexValue(QChar::fromLatin1(utf8[i + 1]));
            const int low = hexValue(QChar::fromLatin1(utf8[i + 2]));
            if (high >= 0 && low >= 0 && (high | low) != 0) {
                bytes.append(char(high * 16 + low));
                i += 2;
                continue;
            }
        }
        bytes.append(utf8[i]);
    }
    return QString::fromUtf8(bytes);
}

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
    // Split the raw path first, then decode each piece: an encoded '/' cannot make a new segment.
    QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (QString &part : parts)
        part = decodeSegment(part);
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
