#pragma once
// The stable error codes of the API (DESIGN §4), written once. The backend raises them as a
// DomainError; only the HTTP dispatcher maps a code to a status. Clients parse the same strings.
#include <QString>
#include <optional>

namespace vesper {

enum class ErrorCode {
    Validation,          // VALIDATION_ERROR
    Unauthorized,        // UNAUTHORIZED
    InsufficientCredits, // INSUFFICIENT_CREDITS
    Forbidden,           // FORBIDDEN
    NotFound,            // NOT_FOUND
    MethodNotAllowed,    // METHOD_NOT_ALLOWED
    Conflict,            // CONFLICT
    PreconditionFailed,  // PRECONDITION_FAILED: a stale If-Match
    PayloadTooLarge,     // PAYLOAD_TOO_LARGE
    RateLimited,         // RATE_LIMITED
    Internal,            // INTERNAL_ERROR
    ProviderError,       // PROVIDER_ERROR
    Unavailable,         // UNAVAILABLE
};

/// "VALIDATION_ERROR", ... as on the wire.
QString errorCodeName(ErrorCode code);
/// The code for a wire name; nullopt for a name this build does not know.
std::optional<ErrorCode> errorCodeFromName(const QString &name);

} // namespace vesper
