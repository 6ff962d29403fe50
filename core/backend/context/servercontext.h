#pragma once
// What every route of one backend needs: its settings, database, token codec, rate limits, provider
// settings, breakers, catalogue, skills and a way to wake its workers. Built by BackendServer (the composition
// root) and owned there; it sits below the routes and the HTTP dispatcher so they never include the
// root. Two backends in one process each have their own.
#include "backend/auth/jwtcodec.h"
#include "backend/auth/tokenauthenticator.h"
#include "backend/config/backendsettings.h"
#include "backend/context/costlywork.h"

#include <atomic>
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
class SkillRegistry;
class AssistantRunner;

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
    std::unique_ptr<SkillRegistry> skills;    // shipped and user skills (DESIGN §7); set by BackendServer
    std::unique_ptr<AssistantRunner> assistantRunner; // streamed assistant replies; set by BackendServer
    // JSON (unstreamed) chats with a remote model under way: each holds an HTTP thread for the whole
    // reply, so only a few may (the app streams; this is for scripts).
    std::atomic_int blockingChats{0};
    ChangeStreamHub *changeStreams = nullptr; // GET /api/changes/stream; owned by BackendServer
};

} // namespace vesper::backend
