#include "domain/failurecode.h"

#include <array>
#include <utility>

namespace vesper {
namespace {
constexpr std::array<std::pair<FailureCode, const char *>, 8> kNames{{
    {FailureCode::Timeout, "TIMEOUT"},
    {FailureCode::BadResponse, "BAD_RESPONSE"},
    {FailureCode::ReferenceMissing, "REFERENCE_MISSING"},
    {FailureCode::Cancelled, "CANCELLED"},
    {FailureCode::Interrupted, "INTERRUPTED"},
    {FailureCode::InvalidRequest, "INVALID_REQUEST"},
    {FailureCode::ProviderBusy, "PROVIDER_BUSY"},
    {FailureCode::ProviderUnreachable, "PROVIDER_UNREACHABLE"},
}};
} // namespace

QString failureCodeName(FailureCode code)
{
    for (const auto &[value, name] : kNames) {
        if (value == code)
            return QLatin1String(name);
    }
    return QStringLiteral("BAD_RESPONSE");
}

std::optional<FailureCode> failureCodeFromName(const QString &name)
{
    for (const auto &[value, text] : kNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

} // namespace vesper
