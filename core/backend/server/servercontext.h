#pragma once
// What every route needs: settings, the database, the token codec and the rate limiter.
#include "backend/auth/jwtcodec.h"
#include "backend/server/serverconfig.h"

namespace vesper {
class RateLimitStore;
}

namespace vesper::backend {

class Database;

struct ServerContext {
    ServerConfig config;
    Database &db;
    JwtCodec jwt;
    RateLimitStore &rateLimits;
    QByteArray embeddedToken;  // embedded mode: the per-launch bearer token of the local profile
    QString embeddedUserId;
};

} // namespace vesper::backend
