#include "domain/errorcode.h"

#include <array>
#include <utility>

namespace vesper {
namespace {
constexpr std::array<std::pair<ErrorCode, const char *>, 13> kNames{{
    {ErrorCode::Validation, "VALIDATION_ERROR"},
    {ErrorCode::Unauthorized, "UNAUTHORIZED"},
    {ErrorCode::InsufficientCredits, "INSUFFICIENT_CREDITS"},
    {ErrorCode::Forbidden, "FORBIDDEN"},
    {ErrorCode::NotFound, "NOT_FOUND"},
    {ErrorCode::MethodNotAllowed, "METHOD_NOT_ALLOWED"},
    {ErrorCode::Conflict, "CONFLICT"},
    {ErrorCode::PreconditionFailed, "PRECONDITION_FAILED"},
    {ErrorCode::PayloadTooLarge, "PAYLOAD_TOO_LARGE"},
    {ErrorCode::RateLimited, "RATE_LIMITED"},
    {ErrorCode::Internal, "INTERNAL_ERROR"},
    {ErrorCode::ProviderError, "PROVIDER_ERROR"},
    {ErrorCode::Unavailable, "UNAVAILABLE"},
}};
} // namespace

QString errorCodeName(ErrorCode code)
{
    for (const auto &[value, name] : kNames) {
        if (value == code)
            return QLatin1String(name);
    }
    return QStringLiteral("INTERNAL_ERROR");
}

std::optional<ErrorCode> errorCodeFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace vesper
