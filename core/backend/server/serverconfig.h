#pragma once
// Every setting of vesper-server, read from the environment (DESIGN §8) and overridden by flags.
#include "backend/db/dbconfig.h"

#include <QByteArray>
#include <QString>
#include <optional>

class QCommandLineParser;

namespace vesper::backend {

struct ServerConfig {
    DbConfig db;
    QString dataDir;
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8787;
    QString storagePath;
    QByteArray jwtSecret;
    bool jwtSecretFromFile = false;
    QString jwtAudience = QStringLiteral("authenticated");
    bool allowSignup = false;
    bool embedded = false;
    int rateLimitPerMinute = 1200;
    int authRateLimitPerMinute = 30;
    qint64 maxJsonBytes = 1 << 20;
    qint64 maxUploadBytes = 20 << 20;
    int threads = 4;
    int connectionsPerIp = 0; // 0: no limit (behind a proxy every client has the proxy's address)
    int accessTokenSeconds = 3600;
    int refreshReuseSeconds = 10;
    int sessionIdleDays = 90; // a session unrefreshed this long has ended; its tokens are deleted
    int clockSkewSeconds = 60;
    int defaultCredits = 100;
    bool accessLog = true;
    bool fastPasswordHashing = false; // tests and seeding only: argon2id at its minimum cost

    /// Adds the shared flags (--db, --listen, --storage, ...) to a parser.
    static void addOptions(QCommandLineParser &parser);
    /// Environment first, then flags. On a bad setting returns nullopt and one readable line.
    static std::optional<ServerConfig> load(const QCommandLineParser &parser, QString *error);
    /// Reads or creates the JWT secret when none was configured (a 0600 file in the data folder).
    bool ensureJwtSecret(QString *error);
};

} // namespace vesper::backend
