#pragma once
// A real, offline workspace over a cache in a temporary folder, filled with changes-feed pages
// (as GET /api/changes writes them) and announced through UiContext::cacheChanged — what the gallery
// views see in the app, without a server. Plus a thumbnail fetch that serves PNGs and logs its calls.
#include "client/thumbnails/thumbnailtypes.h"
#include "client/workspace/workspace.h"
#include "domain/generation.h"
#include "domain/project.h"
#include "domain/session.h"
#include "ui/app/uicontext.h"

#include <QJsonArray>
#include <QMutex>
#include <QStringList>
#include <QTemporaryDir>
#include <atomic>
#include <memory>

namespace vesper::test {

class GalleryFixture {
public:
    GalleryFixture();
    /// Waits for writes flushing on worker threads before the workspace goes.
    ~GalleryFixture();
    bool ok() const { return m_workspace && m_workspace->isOpen(); }
    client::Workspace &workspace() { return *m_workspace; }
    ui::UiContext &ctx() { return m_ctx; }
    /// A second workspace, opened over the same cache file (as the live workspace replaces the cached one).
    std::unique_ptr<client::Workspace> openTwin() const;

    /// Applies one page and emits what it changed on ctx().cacheChanged.
    bool apply(const QJsonArray &changes);
    /// An owned project and a session in it.
    Session addProjectAndSession(const QString &projectName = QStringLiteral("Posters"), bool shared = false);
    /// count completed generations (outputs each) in session, createdAt from firstCreatedAt up; newest last.
    QList<Generation> addGenerations(const Session &session, int count, qint64 firstCreatedAt, int outputs = 1);
    /// One generation as given (its outputs list, if any, becomes output changes).
    bool addGeneration(const Generation &generation);
    qint64 nextRev() { return ++m_rev; }

private:
    client::WorkspaceOptions options() const;

    QTemporaryDir m_dir;
    std::unique_ptr<client::Workspace> m_workspace;
    ui::UiContext m_ctx;
    qint64 m_rev = 0;
};

/// A fetch function for ThumbnailCache: PNG bytes of a colour derived from the id; every call logged.
/// While gate is closed, calls block until it opens (to keep requests waiting in the queue).
class PngServer {
public:
    client::ThumbnailFetchFunction function();
    QStringList calls() const;
    void closeGate() { m_gateOpen = false; }
    void openGate();

private:
    mutable QMutex m_lock;
    QStringList m_calls;
    std::atomic<bool> m_gateOpen{true};
};

} // namespace vesper::test
