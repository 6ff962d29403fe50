#pragma once
// The provider adapters' side of the libcurl wrapper (common/net/curlsession.h): calls that stop when
// the job's sink says so, and the classification of a failed call into a ProviderResult.
#include "common/net/curlsession.h"

#include <QString>

namespace vesper::backend {

class ProgressSink;
struct ProviderResult;

using ProviderResponse = net::CurlResponse;
using net::retryAfterSeconds;

/// Blocking calls for one job; not shared between threads. The sink (may be null) is asked while
/// bytes move, so a cancel or a shutdown stops a call at once.
class ProviderHttp : public net::CurlSession {
public:
    ProviderHttp(ProgressSink *sink, int timeoutSeconds);
};

/// A call that failed, as the provider's result: 429 is RATE_LIMITED and honours Retry-After; 5xx,
/// timeouts and broken connections are transient; other 4xx are permanent PROVIDER_ERRORs that carry
/// the provider's own message (bounded, printable). `provider` names it in the message.
ProviderResult failedCall(const ProviderResponse &response, const QString &provider);
/// A provider that answered something we cannot use: permanent BAD_RESPONSE with `what` in it.
ProviderResult badResponse(const QString &provider, const QString &what);
/// Text from a provider made safe to show: printable characters only, at most `limit` of them.
QString boundedText(const QString &text, int limit = 300);
/// The human part of a provider's error body ({"error":{"message"}}, {"detail"}, {"error"}, or text).
QString providerMessage(const QByteArray &body);

} // namespace vesper::backend
