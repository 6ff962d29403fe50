#include "backend/http/errorstatus.h"

namespace vesper::backend {

int httpStatusOf(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Validation: return 400;
    case ErrorCode::Unauthorized: return 401;
    case ErrorCode::InsufficientCredits: return 402;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::MethodNotAllowed: return 405;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::PreconditionFailed: return 412;
    case ErrorCode::PayloadTooLarge: return 413;
    case ErrorCode::RateLimited: return 429;
    case ErrorCode::Internal: return 500;
    case ErrorCode::ProviderError: return 502;
    case ErrorCode::Unavailable: return 503;
    }
    return 500;
}

} // namespace vesper::backend
