#pragma once
// Every setting of one backend in one value (DESIGN §8). vesper-server builds it from its flags and
// the environment (server/settingsloader.h); an embedding program builds it in code. Nothing below
// reads the environment: every part takes what it needs from here.
#include "backend/config/providersettings.h"
#include "backend/config/workersettings.h"
#include "backend/db/dbconfig.h"

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>

namespace vesper::backend {

struct BackendSettings {
    DbConfig db;
    QString dataDir;
    QString listenHost = QStringLiteral("127.0.0.1");
    quint16 listenPort = 8787;
    QString storagePath;
    QByteArray jwtSecret;
    bool jwtSecretFromFile = false;
    QString jwtAudience = QStringLiteral("authenticated");
    // GET /metrics: with a token, only `Authorization: Bearer <token>` reads it (VESPER_METRICS_TOKEN);
    // without one, only a server listening on loopback serves it, and not through a proxy.
    QByteArray metricsToken;
    // The one external issuer whose users get a profile from their token's claims (a Supabase
    // project's auth URL, https://<ref>.supabase.co/auth/v1): its tokens carry it as `iss`, and its
    // asymmetric signing keys are read from <externalAuthUrl>/.well-known/jwks.json. Empty: only
    // tokens this server issued are accepted, and only for profiles that exist.
    QString externalAuthUrl;
    int jwksCacheSeconds = 600;   // the JWKS is fetched again in the background this often
    int jwksRefetchSeconds = 30;  // at most one fetch per this many seconds for an unknown `kid`
    int sessionCheckSeconds = 10; // a live session's check is cached this long (other instances' logouts)
    bool allowSignup = false;
    bool embedded = false;
    int rateLimitPerMinute = 1200;
    int authRateLimitPerMinute = 30;
    int generateRateLimit = 20; // POST /api/generate per minute per user; 0 turns it off
    // File downloads (/api/outputs/{id}/file, /api/uploads/{id}/file) per minute per user, in a bucket
    // of their own that holds as many: 100k thumbnails prefetch in about a minute; 0 turns it off.
    int downloadRateLimitPerMinute = 120000;
    int idempotencyKeyHours = 24; // answers kept for Idempotency-Key replays at least this long
    qint64 maxJsonBytes = 1 << 20;
    qint64 maxUploadBytes = 20 << 20;
    qint64 maxSignedOutBodyBytes = 16 << 10; // bodies of routes that need no token (a sign-in is a few hundred bytes)
    qint64 bodyMemoryBytes = qint64(256) << 20; // all request bodies held in memory at once; past it 503
    qint64 uploadSpoolBytes = qint64(2) << 30;  // all uploads being spooled to disk at once; past it 503
    int headTimeoutSeconds = 10;  // a whole request head must arrive within this, however it trickles
    int bodyTimeoutSeconds = 60;  // a whole body: this plus its size at bodyMinBytesPerSecond
    qint64 bodyMinBytesPerSecond = 64 << 10;
    int threads = 4;
    // Costly work (upload decode and re-encode, argon2 at sign-in and sign-up) runs in a pool of its
    // own: this many at once, this many more waiting, the rest 503 + Retry-After. 0 / -1: derived
    // from `threads` so some HTTP threads are always free for everything else (costlyworklimits()).
    int costlyThreads = 0;
    int costlyQueue = -1;
    // Reference images: at most this many pixels (4096 × 4096, the largest side any adapter sends),
    // read from the image header and refused before a byte of pixels is decoded.
    qint64 maxReferencePixels = 4096LL * 4096;
    // Uploads per user: at most this many bytes (as stored) and files; 0 turns a limit off.
    qint64 uploadQuotaBytes = 512LL << 20;
    int uploadQuotaCount = 500;
    // An upload no generation references is deleted once it is this old (seconds; 0 keeps them).
    qint64 uploadUnusedSeconds = 7LL * 86400;
    int sweepIntervalSeconds = 3600; // the periodic sweeps (sessions, idempotency keys, uploads)
    int inviteRateLimitPerHour = 30; // POST /api/projects/{id}/members per user per hour; 0 turns it off
    int assistantStreams = 4; // streamed assistant replies at once (as many more may wait); VESPER_ASSISTANT_STREAMS
    int assistantRateLimitPerMinute = 30; // POST /api/assistant/chat and /api/prompts/enhance together, per user; 0: off
    // The shipped skills (DESIGN §7); empty: defaultSkillsDir(). The user's are in <dataDir>/skills.
    QString skillsDir;
    int maxConnections = 0;    // open connections in all; 0: from the open-file limit
    // GET /api/changes/stream: open streams per user and in all (0: half the connection slots), a
    // heartbeat comment this often, and how long a wake-up waits for more commits to coalesce.
    int streamsPerUser = 4;
    int maxStreams = 0;
    int streamHeartbeatSeconds = 15;
    int streamDebounceMs = 25;
    // Per client address (through a trusted proxy: per forwarded client, counting its requests); 0: no limit.
    int connectionsPerIp = 64;
    // Proxies whose X-Forwarded-For names the client (addresses or CIDR ranges); from anyone else it is ignored.
    QStringList trustedProxies;
    int accessTokenSeconds = 3600;
    int refreshReuseSeconds = 10;
    int sessionIdleDays = 90; // a session unrefreshed this long has ended; its tokens are deleted
    int clockSkewSeconds = 60;
    int defaultCredits = 100;
    bool accessLog = true;
    bool fastPasswordHashing = false; // tests and seeding only: argon2id at its minimum cost
    QHash<QString, qint64> modelCosts; // model id -> credits per image, over the catalogue's prices
    WorkerSettings workers;
    ProviderSettings providers; // the starting values; a running backend may replace them

    /// The costly-work pool's threads and queue after the automatic defaults are applied.
    int costlyThreadCount() const;
    int costlyQueueLength() const;

    /// The shipped skills folder: skillsDir, or the default found beside the program.
    QString shippedSkillsDir() const;
    /// The user's skills folder, <dataDir>/skills (overrides shipped skills by id); empty without a data folder.
    QString userSkillsDir() const;
    /// <exe>/../share/vesper/skills when installed; in a build tree, the source tree's skills/.
    static QString defaultSkillsDir();

    /// Settings for a backend whose files all live in dataDir: SQLite, object store and JWT secret.
    static BackendSettings forDataDir(const QString &dataDir);
    /// Reads or creates the JWT secret when none was configured (a 0600 file in the data folder).
    bool ensureJwtSecret(QString *error);
};

} // namespace vesper::backend
