#pragma once
// What every route of one backend needs: its settings, database, token codec, rate limits, provider
// settings, breakers, catalogue and a way to wake its workers. Built by BackendServer (the composition
// root) and owned there; it sits below the routes and the HTTP dispatcher so they never include the
// root. Two backends in one process each have their own.
#include "backend/auth/jwtcodec.h"
#include "backend/auth/tokenauthenticator.h"
#include "backend/config/backendsettings.h"
#include "backend/context/costlywork.h"

#include <functional>
#include <memory>

namespace vesper {
class CircuitBreakers;
class RateLimitStore;
}

namespace vesper::backend {

class ChangeStreamHub;
class Database;
class ModelCatalog;
class ProviderSettingsStore;

struct ServerContext {
    BackendSettings config;
    Database &db;
    JwtCodec jwt;
    RateLimitStore &rateLimits;
    ProviderSettingsStore &providers;
    CircuitBreakers &breakers;
    ModelCatalog &catalog;
    std::function<void()> wakeWorkers; // a job was just enqueued
    QByteArray embeddedToken;          // embedded mode: the per-launch bearer token of the local profile
    QString embeddedUserId;
    std::unique_ptr<TokenAuthenticator> auth; // over config and jwt above; set by BackendServer
    std::unique_ptr<CostlyWork> costly;       // decodes and password hashes; set by BackendServer
    ChangeStreamHub *changeStreams = nullptr; // GET /api/changes/stream; owned by BackendServer
};

} // namespace vesper::backend
