#pragma once
// One streamed POST for the assistant adapters, on the house libcurl wrapper (CurlSession::stream):
// each piece of a 2xx body goes to onBytes as it arrives (an SSE stream), an error body is kept so
// its message can be shown, and the transport's failure is sorted the way the adapters explain it.
// Connect timeout 10 s; the call fails when no byte arrives for idleSeconds; cancelled stops it.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <atomic>
#include <functional>

namespace vesper::backend {

struct StreamedResponse {
    /// Refused: nobody listens there or the name did not resolve; Broken: the connection closed or
    /// failed after it was made; Setup: a malformed URL or a TLS problem.
    enum class Failure { None, Refused, Timeout, Cancelled, Broken, Setup, Aborted };
    Failure failure = Failure::None;
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray errorBody;                  // the body of a non-2xx answer (at most 64 KiB)
    QString error;                         // the transport error, readable
    qint64 bytes = 0;                      // body bytes received
};

struct StreamedPost {
    QString url;
    QByteArray body; // JSON
    QList<QPair<QByteArray, QByteArray>> headers;
    int connectTimeoutMs = 10000;
    int idleSeconds = 60;
};

/// Sends the POST and blocks until the answer ends. onBytes gets each piece of a 2xx body; returning
/// false from it stops the call (failure Aborted).
StreamedResponse streamPost(const StreamedPost &post, const std::function<bool(const QByteArray &)> &onBytes,
                            const std::atomic_bool &cancelled);

} // namespace vesper::backend
