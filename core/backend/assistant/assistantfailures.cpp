#include "backend/assistant/assistantfailures.h"
#include "backend/providers/providerhttp.h"

namespace vesper::backend {
namespace {
AssistantFailure failure(ErrorCode code, const QString &message, int retryAfter = 0)
{
    return {code, message, retryAfter};
}
} // namespace

AssistantFailure failureForCall(const StreamedResponse &response, const AssistantService &service, const QString &errorMessage)
{
    using F = StreamedResponse::Failure;
    switch (response.failure) {
    case F::Refused:
        return failure(ErrorCode::Unavailable, QStringLiteral("Vesper could not reach %1 at %2; check the address and that it is running.")
                                                   .arg(service.name, service.baseUrl));
    case F::Timeout:
        return failure(ErrorCode::Unavailable, response.status == 0
                                                   ? QStringLiteral("%1 at %2 did not answer in time; try again.").arg(service.name, service.baseUrl)
                                                   : QStringLiteral("%1 stopped sending its reply; try again.").arg(service.name));
    case F::Cancelled:
    case F::Aborted:
        return failure(ErrorCode::ProviderError, QStringLiteral("The request to %1 was stopped.").arg(service.name));
    case F::Setup:
        return failure(ErrorCode::ProviderError, QStringLiteral("The address of %1 (%2) cannot be used: %3.")
                                                     .arg(service.name, service.baseUrl, boundedText(response.error, 120)));
    case F::Broken:
        if (response.status >= 200 && response.status < 300)
            return failureCutShort(service);
        if (response.status == 0)
            return failure(ErrorCode::Unavailable, QStringLiteral("Vesper could not reach %1 at %2: %3.")
                                                       .arg(service.name, service.baseUrl, boundedText(response.error, 120)));
        break; // an error status whose body broke off: the status says enough
    case F::None:
        break;
    }
    const int status = response.status;
    const QString detail = errorMessage.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(boundedText(errorMessage, 200));
    if (status == 401 || status == 403)
        return failure(ErrorCode::ProviderError, QStringLiteral("%1 was refused; check it in Settings ▸ Providers.").arg(service.keyName));
    if (status == 429)
        return failure(ErrorCode::RateLimited, QStringLiteral("%1 is rate limiting these requests; try again shortly.").arg(service.name),
                       net::retryAfterSeconds(response.headers.value("retry-after")));
    if (status >= 500 || status == 529)
        return failure(ErrorCode::ProviderError, QStringLiteral("%1 is overloaded; try again in a moment.%2").arg(service.name, detail));
    if (status == 404)
        return failure(ErrorCode::ProviderError, QStringLiteral("%1 does not know this model or address; check the model in Settings ▸ Providers.%2")
                                                     .arg(service.name, detail));
    if (status >= 200 && status < 300)
        return failureCutShort(service);
    return failure(ErrorCode::ProviderError, QStringLiteral("%1 refused the request (HTTP %2).%3").arg(service.name).arg(status).arg(detail));
}

AssistantFailure failureMidStream(const AssistantService &service, const QString &message)
{
    const QString lower = message.toLower();
    if (lower.contains(QLatin1String("overloaded")))
        return failure(ErrorCode::ProviderError, QStringLiteral("%1 is overloaded; try again in a moment.").arg(service.name));
    return failure(ErrorCode::ProviderError, QStringLiteral("%1 stopped with an error: %2")
                                                 .arg(service.name, boundedText(message.isEmpty() ? QStringLiteral("no reason given") : message, 200)));
}

AssistantFailure failureCutShort(const AssistantService &service)
{
    return failure(ErrorCode::ProviderError, QStringLiteral("%1: the connection closed before the reply finished.").arg(service.name));
}

AssistantFailure failureBadReply(const AssistantService &service, const QString &what)
{
    return failure(ErrorCode::ProviderError, QStringLiteral("%1 sent a reply Vesper cannot read: %2.").arg(service.name, what));
}

} // namespace vesper::backend
