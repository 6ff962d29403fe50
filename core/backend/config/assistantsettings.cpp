#include "backend/config/assistantsettings.h"

namespace vesper::backend {
namespace {
QString baseOf(QString url)
{
    url = url.trimmed();
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    if (url.endsWith(QLatin1String("/v1")))
        url.chop(3);
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}
} // namespace

bool AssistantSettings::knownAdapter(const QString &name)
{
    return name == QLatin1String("coach") || name == QLatin1String("anthropic") || name == QLatin1String("openai");
}

AssistantSettings AssistantSettings::normalized() const
{
    AssistantSettings s = *this;
    s.adapter = s.adapter.trimmed().toLower();
    if (s.adapter.isEmpty())
        s.adapter = QStringLiteral("coach");
    s.anthropicUrl = baseOf(s.anthropicUrl);
    s.openaiUrl = baseOf(s.openaiUrl);
    s.anthropicKey = s.anthropicKey.trimmed();
    s.openaiKey = s.openaiKey.trimmed();
    s.anthropicModel = s.anthropicModel.trimmed();
    s.openaiModel = s.openaiModel.trimmed();
    return s;
}

} // namespace vesper::backend
