#include "backend/server/settingsloader.h"
#include "backend/http/addressset.h"

#include <QCommandLineParser>
#include <QStandardPaths>
#include <QUrl>
#include <functional>

namespace vesper::backend {
namespace {
bool parseListen(const QString &text, QString *host, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    bool ok = false;
    const uint value = text.mid(colon + 1).toUInt(&ok);
    if (!ok || value > 65535)
        return false;
    *host = text.left(colon);
    *port = quint16(value);
    return true;
}

bool parseBool(const QString &text, bool *value)
{
    const QString lower = text.trimmed().toLower();
    if (lower == QLatin1String("1") || lower == QLatin1String("true") || lower == QLatin1String("yes") || lower == QLatin1String("on"))
        *value = true;
    else if (lower == QLatin1String("0") || lower == QLatin1String("false") || lower == QLatin1String("no") || lower == QLatin1String("off"))
        *value = false;
    else
        return false;
    return true;
}

bool parseNumber(const QString &name, const QString &text, qint64 min, qint64 max, qint64 *value, QString *error)
{
    bool ok = false;
    const qint64 parsed = text.toLongLong(&ok);
    if (!ok || parsed < min || parsed > max) {
        *error = QStringLiteral("%1: expected a whole number from %2 to %3, got \"%4\"").arg(name).arg(min).arg(max).arg(text.left(40));
        return false;
    }
    *value = parsed;
    return true;
}

struct NumberSetting {
    const char *option;
    const char *variable;
    qint64 min, max;
    std::function<void(qint64)> apply;
};
} // namespace

void SettingsLoader::addOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("db"), QStringLiteral("Database: sqlite:PATH or postgres://... (VESPER_DB)."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("listen"), QStringLiteral("host:port to listen on (VESPER_LISTEN)."), QStringLiteral("host:port")});
    parser.addOption({QStringLiteral("storage"), QStringLiteral("Object store folder (VESPER_STORAGE)."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Data folder for the default database, storage and secret."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("allow-signup"), QStringLiteral("Allow POST /auth/v1/signup (VESPER_ALLOW_SIGNUP=1).")});
    parser.addOption({QStringLiteral("embedded"), QStringLiteral("Embedded mode: loopback only, one local profile, a per-launch token.")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("HTTP worker threads (VESPER_THREADS)."), QStringLiteral("n")});
}

std::optional<BackendSettings> SettingsLoader::load(const QCommandLineParser &parser, QString *error)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    return SettingsLoader(env, &parser).read(error);
}

std::optional<BackendSettings> SettingsLoader::fromEnvironment(const QProcessEnvironment &env, QString *error)
{
    return SettingsLoader(env, nullptr).read(error);
}

QString SettingsLoader::value(const char *option, const char *variable) const
{
    if (option && m_parser && m_parser->isSet(QLatin1String(option)))
        return m_parser->value(QLatin1String(option));
    return m_env.value(QLatin1String(variable));
}

std::optional<BackendSettings> SettingsLoader::read(QString *error) const
{
    BackendSettings s;
    if (!readPlaces(s, error) || !readSwitches(s, error) || !readNumbers(s, error) || !readProviders(s.providers, error)
        || !readModelCosts(s, error))
        return std::nullopt;
    // One timeout bounds each provider call and the whole run.
    s.workers.timeoutSeconds = s.providers.timeoutSeconds;
    return s;
}

bool SettingsLoader::readPlaces(BackendSettings &s, QString *error) const
{
    s.dataDir = value("data-dir", "VESPER_DATA_DIR");
    if (s.dataDir.isEmpty())
        s.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/vesper");
    QString dbText = value("db", "VESPER_DB");
    if (dbText.isEmpty())
        dbText = QStringLiteral("sqlite:") + s.dataDir + QStringLiteral("/vesper.db");
    const auto db = DbConfig::parse(dbText, error);
    if (!db)
        return false;
    s.db = *db;
    const QString listen = value("listen", "VESPER_LISTEN");
    if (!listen.isEmpty() && !parseListen(listen, &s.listenHost, &s.listenPort)) {
        *error = QStringLiteral("VESPER_LISTEN: expected host:port, got \"%1\"").arg(listen.left(60));
        return false;
    }
    s.storagePath = value("storage", "VESPER_STORAGE");
    if (s.storagePath.isEmpty())
        s.storagePath = s.dataDir + QStringLiteral("/storage");
    s.skillsDir = m_env.value(QStringLiteral("VESPER_SKILLS_DIR")); // empty: BackendSettings::defaultSkillsDir()
    s.jwtSecret = m_env.value(QStringLiteral("VESPER_JWT_SECRET")).toUtf8();
    if (!s.jwtSecret.isEmpty() && s.jwtSecret.size() < 32) {
        *error = QStringLiteral("VESPER_JWT_SECRET: must be at least 32 characters");
        return false;
    }
    s.metricsToken = m_env.value(QStringLiteral("VESPER_METRICS_TOKEN")).toUtf8();
    if (!s.metricsToken.isEmpty() && s.metricsToken.size() < 16) {
        *error = QStringLiteral("VESPER_METRICS_TOKEN: must be at least 16 characters");
        return false;
    }
    s.trustedProxies = m_env.value(QStringLiteral("VESPER_TRUSTED_PROXIES")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    AddressSet proxies;
    QString proxyError;
    if (!AddressSet::parse(s.trustedProxies, &proxies, &proxyError)) {
        *error = QStringLiteral("VESPER_TRUSTED_PROXIES: %1 (expected addresses or CIDR ranges separated by commas)").arg(proxyError);
        return false;
    }
    if (m_env.contains(QStringLiteral("VESPER_JWT_AUDIENCE")))
        s.jwtAudience = m_env.value(QStringLiteral("VESPER_JWT_AUDIENCE"));
    s.externalAuthUrl = m_env.value(QStringLiteral("VESPER_EXTERNAL_AUTH_URL")).trimmed();
    while (s.externalAuthUrl.endsWith(QLatin1Char('/')))
        s.externalAuthUrl.chop(1);
    if (!s.externalAuthUrl.isEmpty()) {
        const QUrl url(s.externalAuthUrl, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) || url.host().isEmpty()) {
            *error = QStringLiteral("VESPER_EXTERNAL_AUTH_URL: expected an http(s) URL such as https://<ref>.supabase.co/auth/v1, got \"%1\"")
                         .arg(s.externalAuthUrl.left(80));
            return false;
        }
    }
    return true;
}

bool SettingsLoader::readSwitches(BackendSettings &s, QString *error) const
{
    const struct {
        const char *variable;
        bool *target;
    } switches[] = {{"VESPER_ALLOW_SIGNUP", &s.allowSignup}, {"VESPER_ACCESS_LOG", &s.accessLog},
                    {"VESPER_FAST_PASSWORD_HASH", &s.fastPasswordHashing}};
    for (const auto &entry : switches) {
        const QString text = m_env.value(QLatin1String(entry.variable));
        if (!text.isEmpty() && !parseBool(text, entry.target)) {
            *error = QStringLiteral("%1: expected 1 or 0, got \"%2\"").arg(QLatin1String(entry.variable), text.left(20));
            return false;
        }
    }
    if (m_parser && m_parser->isSet(QStringLiteral("allow-signup")))
        s.allowSignup = true;
    s.embedded = m_parser && m_parser->isSet(QStringLiteral("embedded"));
    if (s.embedded && s.listenHost != QLatin1String("127.0.0.1") && s.listenHost != QLatin1String("localhost")) {
        *error = QStringLiteral("embedded mode listens on loopback only; --listen must be 127.0.0.1:PORT");
        return false;
    }
    return true;
}

bool SettingsLoader::readNumbers(BackendSettings &s, QString *error) const
{
    WorkerSettings &w = s.workers;
    ProviderSettings &p = s.providers;
    const NumberSetting numbers[] = {
        {"threads", "VESPER_THREADS", 1, 64, [&](qint64 v) { s.threads = int(v); }},
        {nullptr, "VESPER_RATE_LIMIT", 0, 1000000, [&](qint64 v) { s.rateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_AUTH_RATE_LIMIT", 0, 1000000, [&](qint64 v) { s.authRateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_GENERATE_RATE_LIMIT", 0, 1000000, [&](qint64 v) { s.generateRateLimit = int(v); }},
        {nullptr, "VESPER_DOWNLOAD_RATE_LIMIT", 0, 100000000, [&](qint64 v) { s.downloadRateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_IDEMPOTENCY_HOURS", 24, 24 * 365, [&](qint64 v) { s.idempotencyKeyHours = int(v); }},
        {nullptr, "VESPER_MAX_BODY", 1024, qint64(1) << 30, [&](qint64 v) { s.maxJsonBytes = v; }},
        {nullptr, "VESPER_MAX_UPLOAD", 1024, qint64(1) << 32, [&](qint64 v) { s.maxUploadBytes = v; }},
        {nullptr, "VESPER_ACCESS_TOKEN_TTL", 30, 7 * 86400, [&](qint64 v) { s.accessTokenSeconds = int(v); }},
        {nullptr, "VESPER_REFRESH_REUSE_SECONDS", 0, 3600, [&](qint64 v) { s.refreshReuseSeconds = int(v); }},
        {nullptr, "VESPER_JWKS_CACHE_SECONDS", 10, 86400, [&](qint64 v) { s.jwksCacheSeconds = int(v); }},
        {nullptr, "VESPER_JWKS_REFETCH_SECONDS", 0, 3600, [&](qint64 v) { s.jwksRefetchSeconds = int(v); }},
        {nullptr, "VESPER_SESSION_CHECK_SECONDS", 0, 300, [&](qint64 v) { s.sessionCheckSeconds = int(v); }},
        {nullptr, "VESPER_SESSION_IDLE_DAYS", 1, 3650, [&](qint64 v) { s.sessionIdleDays = int(v); }},
        {nullptr, "VESPER_DEFAULT_CREDITS", 0, 1000000000, [&](qint64 v) { s.defaultCredits = int(v); }},
        {nullptr, "VESPER_COSTLY_THREADS", 1, 64, [&](qint64 v) { s.costlyThreads = int(v); }},
        {nullptr, "VESPER_COSTLY_QUEUE", 0, 1024, [&](qint64 v) { s.costlyQueue = int(v); }},
        {nullptr, "VESPER_MAX_REFERENCE_PIXELS", 1, 50LL * 1000 * 1000, [&](qint64 v) { s.maxReferencePixels = v; }},
        {nullptr, "VESPER_UPLOAD_QUOTA_BYTES", 0, qint64(1) << 50, [&](qint64 v) { s.uploadQuotaBytes = v; }},
        {nullptr, "VESPER_UPLOAD_QUOTA_COUNT", 0, 100000000, [&](qint64 v) { s.uploadQuotaCount = int(v); }},
        {nullptr, "VESPER_UPLOAD_UNUSED_SECONDS", 0, qint64(3650) * 86400, [&](qint64 v) { s.uploadUnusedSeconds = v; }},
        {nullptr, "VESPER_SWEEP_INTERVAL_SECONDS", 1, 86400, [&](qint64 v) { s.sweepIntervalSeconds = int(v); }},
        {nullptr, "VESPER_ASSISTANT_STREAMS", 1, 256, [&](qint64 v) { s.assistantStreams = int(v); }},
        {nullptr, "VESPER_INVITE_RATE_LIMIT", 0, 1000000, [&](qint64 v) { s.inviteRateLimitPerHour = int(v); }},
        {nullptr, "VESPER_ASSISTANT_RATE_LIMIT", 0, 1000000, [&](qint64 v) { s.assistantRateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_MAX_CONNECTIONS_PER_IP", 0, 100000, [&](qint64 v) { s.connectionsPerIp = int(v); }},
        {nullptr, "VESPER_MAX_CONNECTIONS", 0, 1000000, [&](qint64 v) { s.maxConnections = int(v); }},
        {nullptr, "VESPER_STREAMS_PER_USER", 1, 10000, [&](qint64 v) { s.streamsPerUser = int(v); }},
        {nullptr, "VESPER_MAX_STREAMS", 0, 1000000, [&](qint64 v) { s.maxStreams = int(v); }},
        {nullptr, "VESPER_STREAM_HEARTBEAT_SECONDS", 1, 3600, [&](qint64 v) { s.streamHeartbeatSeconds = int(v); }},
        {nullptr, "VESPER_STREAM_DEBOUNCE_MS", 0, 5000, [&](qint64 v) { s.streamDebounceMs = int(v); }},
        {nullptr, "VESPER_MAX_SIGNED_OUT_BODY", 1024, qint64(1) << 30, [&](qint64 v) { s.maxSignedOutBodyBytes = v; }},
        {nullptr, "VESPER_BODY_MEMORY_BUDGET", 64 << 10, qint64(1) << 40, [&](qint64 v) { s.bodyMemoryBytes = v; }},
        {nullptr, "VESPER_UPLOAD_SPOOL_BUDGET", 64 << 10, qint64(1) << 50, [&](qint64 v) { s.uploadSpoolBytes = v; }},
        {nullptr, "VESPER_HEAD_TIMEOUT_SECONDS", 1, 3600, [&](qint64 v) { s.headTimeoutSeconds = int(v); }},
        {nullptr, "VESPER_BODY_TIMEOUT_SECONDS", 1, 86400, [&](qint64 v) { s.bodyTimeoutSeconds = int(v); }},
        {nullptr, "VESPER_BODY_MIN_RATE", 1, qint64(1) << 40, [&](qint64 v) { s.bodyMinBytesPerSecond = v; }},
        {nullptr, "VESPER_WORKERS", 0, 256, [&](qint64 v) { w.workers = int(v); }},
        {nullptr, "VESPER_JOB_LEASE_SECONDS", 2, 3600, [&](qint64 v) { w.leaseSeconds = int(v); }},
        {nullptr, "VESPER_JOB_MAX_ATTEMPTS", 1, 100, [&](qint64 v) { w.maxAttempts = int(v); }},
        {nullptr, "VESPER_JOB_BACKOFF_MS", 10, 600000, [&](qint64 v) { w.backoffMs = int(v); }},
        {nullptr, "VESPER_BREAKER_FAILURES", 1, 1000, [&](qint64 v) { w.breakerFailures = int(v); }},
        {nullptr, "VESPER_BREAKER_COOLDOWN_SECONDS", 1, 86400, [&](qint64 v) { w.breakerCooldownSeconds = int(v); }},
        {nullptr, "VESPER_PROVIDER_POLL_MS", 10, 60000, [&](qint64 v) { p.pollMs = int(v); }},
        {nullptr, "VESPER_PROVIDER_TIMEOUT_SECONDS", 1, 86400, [&](qint64 v) { p.timeoutSeconds = int(v); }},
        {nullptr, "VESPER_REFERENCE_FETCH_LIMIT", 1, 64, [&](qint64 v) { p.referenceFetchLimit = int(v); }},
    };
    for (const auto &number : numbers) {
        const QString text = value(number.option, number.variable);
        if (text.isEmpty())
            continue;
        qint64 parsed = 0;
        if (!parseNumber(QLatin1String(number.variable), text, number.min, number.max, &parsed, error))
            return false;
        number.apply(parsed);
    }
    return checkCostlyWork(s, error);
}

bool SettingsLoader::checkCostlyWork(const BackendSettings &s, QString *error) const
{
    // Each costly job running or waiting holds the HTTP thread that asked for it: together they must
    // leave one free, or a burst of uploads or sign-ins stops every other request (/healthz too).
    // The derived defaults always do when there are two threads or more; only given values are checked.
    if (s.costlyThreads <= 0 && s.costlyQueue < 0)
        return true;
    const int held = s.costlyThreadCount() + s.costlyQueueLength();
    if (held < s.threads)
        return true;
    *error = QStringLiteral("VESPER_COSTLY_THREADS + VESPER_COSTLY_QUEUE (%1 + %2) must stay below VESPER_THREADS (%3): "
                            "each running or waiting costly job holds an HTTP thread")
                 .arg(s.costlyThreadCount())
                 .arg(s.costlyQueueLength())
                 .arg(s.threads);
    return false;
}

bool SettingsLoader::readProviders(ProviderSettings &p, QString *error) const
{
    const auto text = [&](const char *variable, QString *target) {
        if (m_env.contains(QLatin1String(variable)))
            *target = m_env.value(QLatin1String(variable));
    };
    text("VESPER_A1111_URL", &p.a1111Url);
    text("VESPER_COMFYUI_URL", &p.comfyUiUrl);
    text("VESPER_COMFYUI_WORKFLOW", &p.comfyUiWorkflow);
    text("VESPER_COMFYUI_CHECKPOINT", &p.comfyUiCheckpoint);
    text("GEMINI_API_KEY", &p.geminiKey);
    text("VESPER_GEMINI_URL", &p.geminiUrl);
    text("VESPER_GEMINI_MODEL", &p.geminiModel);
    text("REPLICATE_API_TOKEN", &p.replicateToken);
    text("VESPER_REPLICATE_URL", &p.replicateUrl);
    text("VESPER_REPLICATE_MODEL", &p.replicateModel);
    text("VESPER_ASSISTANT", &p.assistant.adapter);
    text("ANTHROPIC_API_KEY", &p.assistant.anthropicKey);
    text("VESPER_ANTHROPIC_MODEL", &p.assistant.anthropicModel);
    text("VESPER_ANTHROPIC_BASE_URL", &p.assistant.anthropicUrl);
    text("OPENAI_API_KEY", &p.assistant.openaiKey);
    text("VESPER_OPENAI_MODEL", &p.assistant.openaiModel);
    text("VESPER_OPENAI_BASE_URL", &p.assistant.openaiUrl);
    const QString adapter = p.assistant.adapter.trimmed().toLower();
    if (!adapter.isEmpty() && !AssistantSettings::knownAdapter(adapter)) {
        *error = QStringLiteral("VESPER_ASSISTANT: expected coach, anthropic or openai, got \"%1\"").arg(p.assistant.adapter.left(20));
        return false;
    }
    const QString expected = m_env.value(QStringLiteral("VESPER_GEMINI_EXPECTED_SECONDS"));
    if (!expected.isEmpty()) {
        bool ok = false;
        const double seconds = expected.toDouble(&ok);
        if (!ok || seconds <= 0 || seconds >= 3600) {
            *error = QStringLiteral("VESPER_GEMINI_EXPECTED_SECONDS: expected seconds above 0 and below 3600, got \"%1\"").arg(expected.left(20));
            return false;
        }
        p.geminiExpectedSeconds = seconds;
    }
    p = p.normalized();
    return true;
}

bool SettingsLoader::readModelCosts(BackendSettings &s, QString *error) const
{
    // VESPER_MODEL_COSTS="sketch=2,a1111-sd=1": this server's prices, shown and charged alike.
    for (const QString &pair : m_env.value(QStringLiteral("VESPER_MODEL_COSTS")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        bool ok = false;
        const qint64 cost = eq > 0 ? pair.mid(eq + 1).trimmed().toLongLong(&ok) : -1;
        if (eq <= 0 || !ok || cost < 0 || cost > 1000000) {
            *error = QStringLiteral("VESPER_MODEL_COSTS: expected model=credits pairs separated by commas, got \"%1\"").arg(pair.left(40));
            return false;
        }
        s.modelCosts.insert(pair.left(eq).trimmed(), cost);
    }
    return true;
}

} // namespace vesper::backend
