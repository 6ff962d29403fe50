#pragma once
// The backend inside another program (DESIGN §1): the desktop app starts one on 127.0.0.1 with a
// free port and its data folder, and talks to it over HTTP like to any server. The local profile is
// created on first start; its access token is made in this process and never leaves it (no password,
// no sign-up opened). Everything the backend keeps — rate limits, breakers, workers, catalogue,
// caches — belongs to this object, so two of them in one process share nothing.
//
//     EmbeddedBackend backend(BackendSettings::forDataDir(dataDir));
//     QString error;
//     if (!backend.start(&error)) { show(error); return; }
//     client.connectTo(backend.baseUrl(), backend.accessToken());
//     ...
//     backend.stop(); // within 2 s: running jobs are handed back to the queue
#include "backend/config/backendsettings.h"

#include <QByteArray>
#include <QString>
#include <memory>
#include <optional>

namespace vesper::backend {

class BackendServer;
class LibraryLock;

/// How another program on the same machine reaches the backend that serves a library.
struct EmbeddedAttachment {
    QString baseUrl;
    QByteArray accessToken; // a JWT for the local profile, valid for an hour
    QString localUserId;
};

class EmbeddedBackend {
public:
    /// settings.listenHost/Port are replaced by 127.0.0.1 and a free port; embedded mode is forced.
    explicit EmbeddedBackend(BackendSettings settings);
    ~EmbeddedBackend();
    EmbeddedBackend(const EmbeddedBackend &) = delete;
    EmbeddedBackend &operator=(const EmbeddedBackend &) = delete;

    /// Locks the data folder (one backend per library), opens (and migrates) the database, prepares
    /// the local profile, listens and publishes its port beside the data. False with one readable line
    /// when it cannot (another program serves the folder, an unreadable folder, a bad setting).
    bool start(QString *error);
    /// Stops serving, hands running jobs back to the queue and closes the database (its WAL
    /// checkpointed). Returns within about 2 s. Safe to call twice.
    void stop();
    bool isRunning() const;

    /// "http://127.0.0.1:<port>" once started; empty before.
    QString baseUrl() const;
    /// The bearer token of the local profile for this run of the backend.
    QByteArray accessToken() const;
    QString localUserId() const;

    /// The backend another process runs on dataDir (the desktop app, for the CLI), with a token for
    /// its local profile signed with the library's own secret; nullopt when none runs there.
    static std::optional<EmbeddedAttachment> attach(const QString &dataDir, QString *error);

    /// The provider settings now in use.
    ProviderSettings providerSettings() const;
    /// Replaces provider keys and endpoints (the app's settings dialog): the next job and the model
    /// catalogue use them; jobs already running finish with what they started with.
    void setProviderSettings(const ProviderSettings &settings);

private:
    BackendSettings m_settings;
    std::unique_ptr<LibraryLock> m_lock;
    std::unique_ptr<BackendServer> m_server;
};

} // namespace vesper::backend
