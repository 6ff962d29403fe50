#pragma once
// Why a provider call or a generation's run failed, for the codes the API's ErrorCode does not list.
// A failed generation's error.code is either an ErrorCode name ("PROVIDER_ERROR", "UNAVAILABLE") or
// one of these ("TIMEOUT", "BAD_RESPONSE"); both are written once here and in errorcode.h.
#include <QString>
#include <optional>

namespace vesper {

enum class FailureCode {
    Timeout,             // TIMEOUT: the provider did not answer within its time
    BadResponse,         // BAD_RESPONSE: an answer that could not be read (no image, bad JSON)
    ReferenceMissing,    // REFERENCE_MISSING: a reference image is gone or unreadable
    Cancelled,           // CANCELLED: the call was cancelled (by the user or at shutdown)
    Interrupted,         // INTERRUPTED: the web UI's run was interrupted on its side
    InvalidRequest,      // INVALID_REQUEST: the provider cannot do what was asked
    ProviderBusy,        // PROVIDER_BUSY: the provider is at work for someone else
    ProviderUnreachable, // PROVIDER_UNREACHABLE: no connection to the provider
};

/// "TIMEOUT", ... as stored and on the wire.
QString failureCodeName(FailureCode code);
/// The code for a name; nullopt for a name that is not a FailureCode (an ErrorCode name, say).
std::optional<FailureCode> failureCodeFromName(const QString &name);

} // namespace vesper
