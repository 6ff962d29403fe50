#include "backend/server/serverconfig.h"

#include <QCommandLineParser>
#include <functional>
#include <QDir>
#include <QFile>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

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

template <typename T>
bool parseNumber(const QString &name, const QString &text, T min, T max, T *value, QString *error)
{
    bool ok = false;
    const qint64 parsed = text.toLongLong(&ok);
    if (!ok || parsed < qint64(min) || parsed > qint64(max)) {
        *error = QStringLiteral("%1: expected a whole number from %2 to %3, got \"%4\"").arg(name).arg(min).arg(max).arg(text.left(40));
        return false;
    }
    *value = T(parsed);
    return true;
}
} // namespace

void ServerConfig::addOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("db"), QStringLiteral("Database: sqlite:PATH or postgres://... (VESPER_DB)."), QStringLiteral("url")});
    parser.addOption({QStringLiteral("listen"), QStringLiteral("host:port to listen on (VESPER_LISTEN)."), QStringLiteral("host:port")});
    parser.addOption({QStringLiteral("storage"), QStringLiteral("Object store folder (VESPER_STORAGE)."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("data-dir"), QStringLiteral("Data folder for the default database, storage and secret."), QStringLiteral("path")});
    parser.addOption({QStringLiteral("allow-signup"), QStringLiteral("Allow POST /auth/v1/signup (VESPER_ALLOW_SIGNUP=1).")});
    parser.addOption({QStringLiteral("embedded"), QStringLiteral("Embedded mode: loopback only, one local profile, a per-launch token.")});
    parser.addOption({QStringLiteral("threads"), QStringLiteral("HTTP worker threads (VESPER_THREADS)."), QStringLiteral("n")});
}

std::optional<ServerConfig> ServerConfig::load(const QCommandLineParser &parser, QString *error)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    auto setting = [&](const char *option, const char *variable) -> QString {
        if (option && parser.isSet(QLatin1String(option)))
            return parser.value(QLatin1String(option));
        return env.value(QLatin1String(variable));
    };
    ServerConfig config;
    config.dataDir = setting("data-dir", "VESPER_DATA_DIR");
    if (config.dataDir.isEmpty())
        config.dataDir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/vesper");

    QString dbText = setting("db", "VESPER_DB");
    if (dbText.isEmpty())
        dbText = QStringLiteral("sqlite:") + config.dataDir + QStringLiteral("/vesper.db");
    const auto db = DbConfig::parse(dbText, error);
    if (!db)
        return std::nullopt;
    config.db = *db;

    const QString listen = setting("listen", "VESPER_LISTEN");
    if (!listen.isEmpty() && !parseListen(listen, &config.listenHost, &config.listenPort)) {
        *error = QStringLiteral("VESPER_LISTEN: expected host:port, got \"%1\"").arg(listen.left(60));
        return std::nullopt;
    }
    config.storagePath = setting("storage", "VESPER_STORAGE");
    if (config.storagePath.isEmpty())
        config.storagePath = config.dataDir + QStringLiteral("/storage");
    config.jwtSecret = env.value(QStringLiteral("VESPER_JWT_SECRET")).toUtf8();
    if (!config.jwtSecret.isEmpty() && config.jwtSecret.size() < 32) {
        *error = QStringLiteral("VESPER_JWT_SECRET: must be at least 32 characters");
        return std::nullopt;
    }
    if (env.contains(QStringLiteral("VESPER_JWT_AUDIENCE")))
        config.jwtAudience = env.value(QStringLiteral("VESPER_JWT_AUDIENCE"));

    const QString signup = env.value(QStringLiteral("VESPER_ALLOW_SIGNUP"));
    if (!signup.isEmpty() && !parseBool(signup, &config.allowSignup)) {
        *error = QStringLiteral("VESPER_ALLOW_SIGNUP: expected 1 or 0, got \"%1\"").arg(signup.left(20));
        return std::nullopt;
    }
    if (parser.isSet(QStringLiteral("allow-signup")))
        config.allowSignup = true;
    config.embedded = parser.isSet(QStringLiteral("embedded"));
    if (config.embedded && config.listenHost != QLatin1String("127.0.0.1") && config.listenHost != QLatin1String("localhost")) {
        *error = QStringLiteral("embedded mode listens on loopback only; --listen must be 127.0.0.1:PORT");
        return std::nullopt;
    }
    const QString accessLog = env.value(QStringLiteral("VESPER_ACCESS_LOG"));
    if (!accessLog.isEmpty() && !parseBool(accessLog, &config.accessLog)) {
        *error = QStringLiteral("VESPER_ACCESS_LOG: expected 1 or 0");
        return std::nullopt;
    }
    const QString fastHash = env.value(QStringLiteral("VESPER_FAST_PASSWORD_HASH"));
    if (!fastHash.isEmpty() && !parseBool(fastHash, &config.fastPasswordHashing)) {
        *error = QStringLiteral("VESPER_FAST_PASSWORD_HASH: expected 1 or 0");
        return std::nullopt;
    }

    struct NumberSetting {
        const char *option;
        const char *variable;
        qint64 min, max;
        std::function<void(qint64)> apply;
    };
    const NumberSetting numbers[] = {
        {"threads", "VESPER_THREADS", 1, 64, [&](qint64 v) { config.threads = int(v); }},
        {nullptr, "VESPER_RATE_LIMIT", 0, 1000000, [&](qint64 v) { config.rateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_AUTH_RATE_LIMIT", 0, 1000000, [&](qint64 v) { config.authRateLimitPerMinute = int(v); }},
        {nullptr, "VESPER_MAX_BODY", 1024, qint64(1) << 30, [&](qint64 v) { config.maxJsonBytes = v; }},
        {nullptr, "VESPER_MAX_UPLOAD", 1024, qint64(1) << 32, [&](qint64 v) { config.maxUploadBytes = v; }},
        {nullptr, "VESPER_ACCESS_TOKEN_TTL", 30, 7 * 86400, [&](qint64 v) { config.accessTokenSeconds = int(v); }},
        {nullptr, "VESPER_REFRESH_REUSE_SECONDS", 0, 3600, [&](qint64 v) { config.refreshReuseSeconds = int(v); }},
        {nullptr, "VESPER_SESSION_IDLE_DAYS", 1, 3650, [&](qint64 v) { config.sessionIdleDays = int(v); }},
        {nullptr, "VESPER_DEFAULT_CREDITS", 0, 1000000000, [&](qint64 v) { config.defaultCredits = int(v); }},
        {nullptr, "VESPER_MAX_CONNECTIONS_PER_IP", 0, 1024, [&](qint64 v) { config.connectionsPerIp = int(v); }},
    };
    for (const auto &number : numbers) {
        const QString text = setting(number.option, number.variable);
        if (text.isEmpty())
            continue;
        qint64 value = 0;
        if (!parseNumber<qint64>(QLatin1String(number.variable), text, number.min, number.max, &value, error))
            return std::nullopt;
        number.apply(value);
    }
    return config;
}

bool ServerConfig::ensureJwtSecret(QString *error)
{
    if (!jwtSecret.isEmpty())
        return true;
    // No secret configured: keep one beside the data so tokens survive a restart. It is created
    // owner-readable only and never printed.
    const QString path = dataDir + QStringLiteral("/jwt-secret");
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly)) {
        jwtSecret = existing.readAll().trimmed();
        if (jwtSecret.size() >= 32) {
            jwtSecretFromFile = true;
            return true;
        }
    }
    QDir().mkpath(dataDir);
    QByteArray random(48, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(random.data()),
                                         reinterpret_cast<quint32 *>(random.data() + random.size()));
    jwtSecret = random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    file.write(jwtSecret + '\n');
    if (!file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    jwtSecretFromFile = true;
    return true;
}

} // namespace vesper::backend
