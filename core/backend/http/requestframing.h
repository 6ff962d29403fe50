#pragma once
// The request-smuggling checks on a request head: where two parsers (a proxy's and ours) could
// disagree on where a body ends, the request is refused with 400 and its connection closed, never
// guessed at (RFC 9112 §6.3).
#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace vesper::backend {

/// Every header line as received, names in lower case, repeats kept.
using HeaderLines = QList<QPair<QByteArray, QByteArray>>;

/// Why this head cannot be trusted (conflicting Content-Length, Content-Length with
/// Transfer-Encoding, a transfer coding other than chunked, an HTTP/1.1 request without exactly one
/// Host); empty when it is sound.
QString framingProblem(const HeaderLines &headers, const QByteArray &httpVersion);

} // namespace vesper::backend
