#pragma once
// One request's passage through libmicrohttpd's callbacks (internal to the HTTP server module): the
// raw request line, the head checks, the body gathered under its budget and deadline, the answer.
#include "backend/http/bodycollector.h"
#include "backend/http/connectionwatch.h"
#include "backend/http/httpserver.h"

#include <microhttpd.h>
#include <optional>

namespace vesper::backend {

struct HttpServer::Exchange {
    HttpServer *server = nullptr;
    ConnectionWatch::Entry *connection = nullptr;
    QByteArray rawTarget; // the request target as sent, before libmicrohttpd decodes it
    HttpRequest request;
    BodyCollector body;
    qint64 limit = 0;
    bool headSeen = false;
    bool answered = false;
    std::optional<HttpResponse> refusal; // decided mid-body, sent once the body has ended
    QString forwardedClient;             // holds one of this client's request slots

    ~Exchange();
};

namespace httpexchange {
/// MHD_OPTION_URI_LOG_CALLBACK: a request line arrived; its Exchange starts here.
void *onRequestLine(void *cls, const char *uri, MHD_Connection *connection);
/// The access handler: the head, then each piece of the body, then the answer.
MHD_Result onAccess(void *cls, MHD_Connection *connection, const char *url, const char *method, const char *version,
                    const char *uploadData, size_t *uploadSize, void **requestState);
/// MHD_OPTION_NOTIFY_COMPLETED: the request is over (answered or cut off).
void onCompleted(void *cls, MHD_Connection *connection, void **requestState, MHD_RequestTerminationCode);
} // namespace httpexchange

} // namespace vesper::backend
