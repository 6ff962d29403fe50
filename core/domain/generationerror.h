#pragma once
// Why a generation failed: a code and a message. Codes are API error codes ("PROVIDER_ERROR",
// errorcode.h) and provider-level ones the ErrorCode enum does not list ("BAD_RESPONSE",
// "PROVIDER_BUSY": FailureCode, failurecode.h).
#include "domain/errorcode.h"
#include "domain/failurecode.h"

#include <QJsonObject>
#include <QString>
#include <optional>

namespace vesper {

struct GenerationError {
    QString code;    // kept verbatim: not every code is an ErrorCode
    QString message;

    /// The code as an ErrorCode when it is one of the API's codes.
    std::optional<ErrorCode> errorCode() const { return errorCodeFromName(code); }
    /// The code as a FailureCode when it is a provider-level one.
    std::optional<FailureCode> failureCode() const { return failureCodeFromName(code); }

    /// Reads {code, message}; nullopt with *error naming the field when it is missing or mistyped.
    static std::optional<GenerationError> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;

    friend bool operator==(const GenerationError &, const GenerationError &) = default;
};

} // namespace vesper
