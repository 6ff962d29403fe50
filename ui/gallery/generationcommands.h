#pragma once
// What a generation card's buttons do. Cancel asks the server on a worker thread (it cannot be
// queued offline: a cancel only matters while the server runs the job) and then syncs; Retry queues
// the same parameters again through the outbox under a fresh client id, so a retry is a new
// generation the user can see pending at once, sent when the network allows.
#include <QObject>
#include <QPointer>

namespace vesper {
struct Generation;
}

namespace vesper::ui {

class UiContext;

class GenerationCommands : public QObject {
    Q_OBJECT
public:
    explicit GenerationCommands(UiContext *ctx, QObject *parent = nullptr);

    /// Asks the server to cancel; failures reach the banner, success syncs the cache.
    void cancel(const QString &generationId);
    /// Queues generation's parameters again; returns the new local id (empty on failure).
    QString retry(const Generation &generation);

Q_SIGNALS:
    void cancelFinished(const QString &generationId, bool ok);

private:
    QPointer<UiContext> m_ctx;
};

} // namespace vesper::ui
