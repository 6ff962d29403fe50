#pragma once
// vesper-cli's exit codes, fixed for scripts (issue 10): 0 done, 1 failed, 2 usage, 3 not signed in,
// 4 server unreachable, 5 not found — and how an API error maps onto them.
#include "client/net/apierror.h"

namespace vesper::client::cli {

enum class ExitCode { Done = 0, Failed = 1, Usage = 2, NotSignedIn = 3, Unreachable = 4, NotFound = 5 };

inline ExitCode exitCodeOf(const ApiError &error)
{
    using Kind = ApiError::Kind;
    switch (error.kind) {
    case Kind::None: return ExitCode::Done;
    case Kind::Offline:
    case Kind::Network:
    case Kind::Timeout: return ExitCode::Unreachable;
    case Kind::NotSignedIn: return ExitCode::NotSignedIn;
    case Kind::Http:
        if (error.status == 401)
            return ExitCode::NotSignedIn;
        if (error.status == 404)
            return ExitCode::NotFound;
        return ExitCode::Failed;
    default: return ExitCode::Failed;
    }
}

} // namespace vesper::client::cli
