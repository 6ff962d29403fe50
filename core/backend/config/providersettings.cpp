#include "backend/config/providersettings.h"
#include "backend/config/providerids.h"

namespace vesper::backend {
namespace {
QString withoutTrailingSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}
} // namespace

bool ProviderSettings::configured(const QString &provider) const
{
    if (provider == providerid::sketch())
        return true;
    if (provider == providerid::a1111())
        return !a1111Url.isEmpty();
    if (provider == providerid::comfyUi())
        return !comfyUiUrl.isEmpty();
    if (provider == providerid::gemini())
        return !geminiKey.isEmpty() && !geminiUrl.isEmpty();
    if (provider == providerid::replicate())
        return !replicateToken.isEmpty() && !replicateUrl.isEmpty();
    return false;
}

ProviderSettings ProviderSettings::normalized() const
{
    ProviderSettings s = *this;
    s.a1111Url = withoutTrailingSlash(s.a1111Url);
    s.comfyUiUrl = withoutTrailingSlash(s.comfyUiUrl);
    s.geminiUrl = withoutTrailingSlash(s.geminiUrl);
    s.replicateUrl = withoutTrailingSlash(s.replicateUrl);
    s.assistant = s.assistant.normalized();
    return s;
}

} // namespace vesper::backend
