#include "backend/providers/providerhttp.h"
#include "backend/providers/provider.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

ProviderHttp::ProviderHttp(ProgressSink *sink, int timeoutSeconds)
    : net::CurlSession([sink] { return sink && sink->cancelled(); }, timeoutSeconds, "vesper-server/" VESPER_VERSION)
{
}

QString boundedText(const QString &text, int limit)
{
    QString out;
    for (const QChar c : text) {
        if (out.size() >= limit) {
            out += QStringLiteral("…");
            break;
        }
        out += c.isPrint() ? c : QLatin1Char(' ');
    }
    return out.simplified();
}

QString providerMessage(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    QString message;
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue error = o.value(QStringLiteral("error"));
        if (error.isObject())
            message = error.toObject().value(QStringLiteral("message")).toString();
        else if (error.isString())
            message = error.toString();
        if (message.isEmpty() && o.value(QStringLiteral("detail")).isString())
            message = o.value(QStringLiteral("detail")).toString();
        if (message.isEmpty() && o.value(QStringLiteral("message")).isString())
            message = o.value(QStringLiteral("message")).toString();
        if (message.isEmpty() && o.value(QStringLiteral("errors")).isString())
            message = o.value(QStringLiteral("errors")).toString();
    } else if (!body.trimmed().startsWith('<')) {
        message = QString::fromUtf8(body.left(400)); // plain text, not an HTML error page
    }
    return boundedText(message, 300);
}

ProviderResult failedCall(const ProviderResponse &response, const QString &provider)
{
    ProviderResult result;
    result.transient = true;
    switch (response.failure) {
    case ProviderResponse::Failure::Cancelled:
        result.errorCode = failureCodeName(FailureCode::Cancelled);
        result.errorMessage = QStringLiteral("the generation was stopped");
        result.transient = false;
        return result;
    case ProviderResponse::Failure::Timeout:
        result.errorCode = failureCodeName(FailureCode::Timeout);
        result.errorMessage = QStringLiteral("%1 did not answer in time").arg(provider);
        return result;
    case ProviderResponse::Failure::Network:
        result.errorCode = failureCodeName(FailureCode::ProviderUnreachable);
        result.errorMessage = QStringLiteral("%1 could not be reached: %2").arg(provider, response.error);
        return result;
    case ProviderResponse::Failure::Setup:
        result.errorCode = errorCodeName(ErrorCode::ProviderError);
        result.errorMessage = QStringLiteral("%1 cannot be called as configured: %2").arg(provider, response.error);
        result.transient = false;
        return result;
    case ProviderResponse::Failure::TooLarge:
        result.errorCode = failureCodeName(FailureCode::BadResponse);
        result.errorMessage = QStringLiteral("%1 sent %2").arg(provider, response.error);
        result.transient = false;
        return result;
    case ProviderResponse::Failure::None:
        break;
    }
    const QString detail = providerMessage(response.body);
    const QString suffix = detail.isEmpty() ? QString() : QStringLiteral(": ") + detail;
    if (response.status == 429) {
        result.errorCode = errorCodeName(ErrorCode::RateLimited);
        result.errorMessage = QStringLiteral("%1 is rate limiting requests%2").arg(provider, suffix);
        result.retryAfterSeconds = retryAfterSeconds(response.headers.value("retry-after"));
    } else if (response.status >= 500 || response.status == 408) {
        result.errorCode = errorCodeName(ErrorCode::ProviderError);
        result.errorMessage = QStringLiteral("%1 failed with HTTP %2%3").arg(provider).arg(response.status).arg(suffix);
    } else {
        result.errorCode = errorCodeName(ErrorCode::ProviderError);
        result.errorMessage = QStringLiteral("%1 refused the request (HTTP %2)%3").arg(provider).arg(response.status).arg(suffix);
        result.transient = false;
    }
    return result;
}

ProviderResult badResponse(const QString &provider, const QString &what)
{
    ProviderResult result;
    result.errorCode = failureCodeName(FailureCode::BadResponse);
    result.errorMessage = QStringLiteral("%1 sent an answer Vesper cannot use: %2").arg(provider, what);
    return result;
}

} // namespace vesper::backend
