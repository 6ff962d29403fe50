#include "backend/generation/remote/remotesettings.h"

#include <QProcessEnvironment>

namespace vesper::backend {
namespace {
QString withoutTrailingSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

int boundedInt(const QProcessEnvironment &env, const char *name, int fallback, int min, int max)
{
    bool ok = false;
    const int value = env.value(QLatin1String(name)).toInt(&ok);
    return ok && value >= min && value <= max ? value : fallback;
}
} // namespace

const RemoteSettings &RemoteSettings::fromEnvironment()
{
    static const RemoteSettings settings = [] {
        const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        RemoteSettings s;
        s.a1111Url = withoutTrailingSlash(env.value(QStringLiteral("VESPER_A1111_URL")));
        s.comfyUiUrl = withoutTrailingSlash(env.value(QStringLiteral("VESPER_COMFYUI_URL")));
        s.comfyUiWorkflow = env.value(QStringLiteral("VESPER_COMFYUI_WORKFLOW"));
        s.comfyUiCheckpoint = env.value(QStringLiteral("VESPER_COMFYUI_CHECKPOINT"), s.comfyUiCheckpoint);
        s.geminiKey = env.value(QStringLiteral("GEMINI_API_KEY"));
        s.geminiUrl = withoutTrailingSlash(env.value(QStringLiteral("VESPER_GEMINI_URL"), s.geminiUrl));
        s.geminiModel = env.value(QStringLiteral("VESPER_GEMINI_MODEL"), s.geminiModel);
        s.replicateToken = env.value(QStringLiteral("REPLICATE_API_TOKEN"));
        s.replicateUrl = withoutTrailingSlash(env.value(QStringLiteral("VESPER_REPLICATE_URL"), s.replicateUrl));
        s.replicateModel = env.value(QStringLiteral("VESPER_REPLICATE_MODEL"), s.replicateModel);
        s.pollMs = boundedInt(env, "VESPER_PROVIDER_POLL_MS", s.pollMs, 10, 60000);
        s.timeoutSeconds = boundedInt(env, "VESPER_PROVIDER_TIMEOUT_SECONDS", s.timeoutSeconds, 1, 86400);
        s.referenceFetchLimit = boundedInt(env, "VESPER_REFERENCE_FETCH_LIMIT", s.referenceFetchLimit, 1, 64);
        return s;
    }();
    return settings;
}

bool RemoteSettings::configured(const QString &provider) const
{
    if (provider == QLatin1String("a1111"))
        return !a1111Url.isEmpty();
    if (provider == QLatin1String("comfyui"))
        return !comfyUiUrl.isEmpty();
    if (provider == QLatin1String("gemini"))
        return !geminiKey.isEmpty() && !geminiUrl.isEmpty();
    if (provider == QLatin1String("replicate"))
        return !replicateToken.isEmpty() && !replicateUrl.isEmpty();
    return false;
}

} // namespace vesper::backend
