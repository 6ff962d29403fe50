#include "backend/http/requestframing.h"

namespace vesper::backend {

QString framingProblem(const HeaderLines &headers, const QByteArray &httpVersion)
{
    QList<QByteArray> lengths;
    QList<QByteArray> codings;
    int hosts = 0;
    for (const auto &[name, value] : headers) {
        if (name == "content-length")
            lengths.append(value.trimmed());
        else if (name == "transfer-encoding")
            codings.append(value.trimmed().toLower());
        else if (name == "host")
            ++hosts;
    }
    for (const QByteArray &length : lengths) {
        if (length != lengths.first())
            return QStringLiteral("the request has conflicting Content-Length headers");
    }
    if (!codings.isEmpty() && !lengths.isEmpty())
        return QStringLiteral("the request has both Content-Length and Transfer-Encoding");
    if (codings.size() > 1 || (codings.size() == 1 && codings.first() != "chunked"))
        return QStringLiteral("the only accepted Transfer-Encoding is chunked");
    if (httpVersion == "HTTP/1.1" && hosts != 1)
        return hosts == 0 ? QStringLiteral("an HTTP/1.1 request needs a Host header")
                          : QStringLiteral("the request has more than one Host header");
    return {};
}

} // namespace vesper::backend
