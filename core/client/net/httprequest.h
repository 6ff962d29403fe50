#pragma once
// One HTTP call as the client core describes it, and what came back. Kept apart from HttpClient so
// the API layer, the auth session and tests can build requests without the client's machinery.
#include "common/net/curlsession.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <functional>

namespace vesper::client {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpRequest {
    QByteArray method = "GET";
    QString url;
    QByteArray body;
    QByteArray contentType;
    HttpHeaders headers;
    /// Whether sending it twice is harmless: GET/PUT/DELETE, PATCH with If-Match, creates with an
    /// Idempotency-Key. Only these are retried after a failure that may have reached the server.
    bool idempotent = true;
    int timeoutSeconds = 30; // the whole call; stream() has none
    /// stream() only: this long without a byte (heartbeats included) ends the stream as a Timeout.
    int readIdleSeconds = 45;
    /// 0: the client's default cap (64 MiB unless configured).
    qint64 maxResponseBytes = 0;
    /// Polled while bytes move and between retries; true stops the call with Failure::Cancelled.
    std::function<bool()> cancelled;
};

/// A CurlResponse plus how many attempts it took and whether the client refused it as offline.
struct HttpResponse : net::CurlResponse {
    int attempts = 0;
    /// The circuit breaker was open: nothing was sent (failure is Network).
    bool offline = false;
};

} // namespace vesper::client
