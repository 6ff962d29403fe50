#include "backend/assistant/streamingpost.h"
#include "common/net/curlsession.h"

namespace vesper::backend {

StreamedResponse streamPost(const StreamedPost &post, const std::function<bool(const QByteArray &)> &onBytes,
                            const std::atomic_bool &cancelled)
{
    net::CurlSession http([&cancelled] { return cancelled.load(); }, 0, "vesper-server/" VESPER_VERSION);
    http.setConnectTimeoutMs(post.connectTimeoutMs);
    http.setMaxResponseBytes(64 << 10); // only a non-2xx body is kept: an error message
    StreamedResponse response;
    bool refusedByReader = false;
    QList<QPair<QByteArray, QByteArray>> headers = post.headers;
    headers.append(qMakePair(QByteArray("Accept"), QByteArray("text/event-stream")));
    const net::CurlResponse r = http.stream("POST", post.url, post.body, "application/json", headers, [&](QByteArrayView chunk) {
        response.bytes += chunk.size();
        if (!onBytes(QByteArray::fromRawData(chunk.data(), chunk.size()))) {
            refusedByReader = true;
            return false;
        }
        return true;
    }, post.idleSeconds);
    response.status = r.status;
    response.headers = r.headers;
    response.errorBody = r.body;
    response.error = r.error;
    using F = net::CurlResponse::Failure;
    switch (r.failure) {
    case F::None:
        break;
    case F::Timeout:
        response.failure = StreamedResponse::Failure::Timeout;
        break;
    case F::Cancelled:
        response.failure = refusedByReader && !cancelled.load() ? StreamedResponse::Failure::Aborted : StreamedResponse::Failure::Cancelled;
        break;
    case F::Setup:
        response.failure = StreamedResponse::Failure::Setup;
        break;
    case F::TooLarge: // an error body over 64 KiB: its status still says what happened
        response.failure = r.status >= 200 && r.status < 300 ? StreamedResponse::Failure::Broken : StreamedResponse::Failure::None;
        break;
    case F::Network:
        // No status line: the connection was never made (refused, no such host) or never answered.
        response.failure = r.status == 0 ? StreamedResponse::Failure::Refused : StreamedResponse::Failure::Broken;
        break;
    }
    return response;
}

} // namespace vesper::backend
