#include "backend/assistant/streamingpost.h"
#include "common/logging.h"

#include <curl/curl.h>
#include <mutex>

namespace vesper::backend {
namespace {
struct Transfer {
    CURL *curl;
    StreamedResponse *response;
    const std::function<bool(const QByteArray &)> *onBytes;
    const std::atomic_bool *cancelled;
    bool aborted = false;
    bool wasCancelled = false;
};

size_t onHeader(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    const QByteArray line = QByteArray(data, qsizetype(bytes)).trimmed();
    if (line.startsWith("HTTP/")) {
        t->response->headers.clear();
        return bytes;
    }
    const qsizetype colon = line.indexOf(':');
    if (colon > 0)
        t->response->headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
    return bytes;
}

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *t = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    t->response->bytes += qint64(bytes);
    if (t->response->status == 0) { // the final status is known once its body starts
        long status = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
        t->response->status = int(status);
    }
    if (t->response->status < 200 || t->response->status >= 300) {
        if (t->response->errorBody.size() < (64 << 10))
            t->response->errorBody.append(data, qsizetype(qMin<size_t>(bytes, (64 << 10) - t->response->errorBody.size())));
        return bytes;
    }
    if (!(*t->onBytes)(QByteArray::fromRawData(data, qsizetype(bytes)))) {
        t->aborted = true;
        return 0;
    }
    return bytes;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    auto *t = static_cast<Transfer *>(user);
    if (t->cancelled->load()) {
        t->wasCancelled = true;
        return 1;
    }
    return 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

StreamedResponse::Failure classify(CURLcode code, const Transfer &t)
{
    if (t.wasCancelled || code == CURLE_ABORTED_BY_CALLBACK)
        return StreamedResponse::Failure::Cancelled;
    if (t.aborted)
        return StreamedResponse::Failure::Aborted;
    switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return StreamedResponse::Failure::Refused;
    case CURLE_OPERATION_TIMEDOUT:
        return StreamedResponse::Failure::Timeout;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CONNECT_ERROR:
        return StreamedResponse::Failure::Setup;
    default:
        return StreamedResponse::Failure::Broken;
    }
}
} // namespace

StreamedResponse streamPost(const StreamedPost &post, const std::function<bool(const QByteArray &)> &onBytes,
                            const std::atomic_bool &cancelled)
{
    initCurlOnce();
    StreamedResponse response;
    CURL *curl = curl_easy_init();
    if (!curl) {
        response.failure = StreamedResponse::Failure::Setup;
        response.error = QStringLiteral("the HTTP client could not start");
        return response;
    }
    Transfer transfer{curl, &response, &onBytes, &cancelled};
    const QByteArray url = post.url.toUtf8();
    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(post.connectTimeoutMs));
    // Idle read: fewer than 1 byte a second for idleSeconds ends the call; a long reply that keeps
    // streaming is never cut.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, long(post.idleSeconds));
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "vesper-server/" VESPER_VERSION);
    struct curl_slist *headers = nullptr;
    for (const auto &[name, value] : post.headers)
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: text/event-stream");
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(post.body.size()));
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, post.body.constData());

    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = int(status);
    curl_easy_cleanup(curl);
    if (code == CURLE_OK)
        return response;
    response.failure = classify(code, transfer);
    response.error = response.failure == StreamedResponse::Failure::Timeout
                         ? QStringLiteral("no answer for %1 seconds").arg(post.idleSeconds)
                         : QString::fromUtf8(curl_easy_strerror(code));
    qCDebug(lcNet) << "assistant stream failed:" << response.error;
    return response;
}

} // namespace vesper::backend
