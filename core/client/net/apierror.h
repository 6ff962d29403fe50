#pragma once
// Errors as values for every API call (no exceptions cross the client core): what kind of failure,
// the server's status and wire code when it answered, and one readable sentence for the user.
#include "client/net/httprequest.h"

#include <QJsonObject>
#include <QString>

namespace vesper::client {

struct ApiError {
    enum class Kind {
        None,
        Offline,     // the circuit breaker is open: nothing was sent
        Network,     // the connection failed or broke off (refused, reset, dropped mid-body)
        Timeout,     // no complete answer in time
        Cancelled,   // the caller stopped it
        Http,        // the server answered with an error status (status, code, message)
        BadResponse, // an answer the client cannot use: not JSON, wrong types, too large
        NotSignedIn, // no token, or the session ended
    };
    Kind kind = Kind::None;
    int status = 0;
    QString code;    // the wire code, e.g. "NOT_FOUND"; GoTrue's error_code for auth calls
    QString message; // one readable sentence
    int retryAfterSeconds = 0;
    QJsonObject body; // the error body, e.g. a 412's {current: row}

    bool ok() const { return kind == Kind::None; }
    /// A failure that may pass when tried later (offline, network, timeout, 429, 5xx).
    bool isTransient() const;

    static ApiError badResponse(const QString &what);
    static ApiError notSignedIn(const QString &why);
    /// The error an HTTP response stands for (kind None for a 2xx answer).
    static ApiError fromResponse(const HttpResponse &response);
};

template <class T>
struct ApiResult {
    T value{};
    ApiError error;
    bool ok() const { return error.ok(); }
};

/// "Http 404 NOT_FOUND: project not found", for logs and test failures.
QString describe(const ApiError &error);

} // namespace vesper::client
