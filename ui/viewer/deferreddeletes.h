#pragma once
// Deleting is undoable for a few seconds (UI.md): a delete is only scheduled here, the item is hidden
// by the caller at once, and the real write (commitFn: queue the outbox delete and submit it) runs
// when the grace period ends — or never, when the user undoes it first. Pending deletes are committed
// on close, so leaving the view never loses or resurrects one.
#include <QHash>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <functional>

class QTimer;

namespace vesper::ui {

class DeferredDeletes : public QObject {
    Q_OBJECT
public:
    explicit DeferredDeletes(QObject *parent = nullptr);
    /// Commits what is still pending.
    ~DeferredDeletes() override;

    /// How long a delete waits before it is committed (default 5000 ms).
    void setGracePeriodMs(int ms) { m_graceMs = ms; }
    int gracePeriodMs() const { return m_graceMs; }

    /// Schedules id's delete; commitFn runs once when the grace period ends (or on commitAll).
    /// Scheduling an id already pending replaces its commitFn and restarts its timer.
    void schedule(const QString &id, std::function<void()> commitFn);
    /// Cancels id's delete; false when it was not pending (already committed or never scheduled).
    bool undo(const QString &id);
    /// Cancels the delete scheduled last; the id restored, or empty when none is pending.
    QString undoLast();
    /// Commits every pending delete now, oldest first (on close).
    void commitAll();

    bool isPending(const QString &id) const { return m_pending.contains(id); }
    QSet<QString> pendingIds() const;
    /// Pending ids, oldest first.
    QStringList order() const { return m_order; }

Q_SIGNALS:
    void committed(const QString &id);
    void restored(const QString &id);

private:
    struct Entry {
        QTimer *timer = nullptr;
        std::function<void()> commit;
    };
    void commit(const QString &id);
    QHash<QString, Entry> m_pending;
    QStringList m_order;
    int m_graceMs = 5000;
};

} // namespace vesper::ui
