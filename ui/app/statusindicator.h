#pragma once
// The status bar's account of the connection (UI.md "Offline is a state"): online or offline (or
// "Local library"), a sync in progress with its pages, credits, writes waiting to go out, and writes
// the server refused as a clickable count that lists them with their reasons. Reads the cache's
// counts on changes and, while anything is pending, on a short timer.
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace vesper::client {
class Workspace;
}

namespace vesper::ui {

class UiContext;

class StatusIndicator : public QWidget {
    Q_OBJECT
public:
    explicit StatusIndicator(UiContext *context, QWidget *parent = nullptr);

    /// A note that replaces the online state while set ("Connecting…"); empty clears it.
    void setConnectionNote(const QString &note);
    /// A long task's progress ("Making the project available offline"); total 0 hides it.
    void setTaskProgress(const QString &label, int done, int total);
    /// Reads the counts and states again.
    void refresh();

    QString connectionText() const;
    QString syncText() const;
    QString creditsText() const;
    QString pendingText() const;
    QString failedText() const;
    bool isOnline() const { return m_online; }

Q_SIGNALS:
    /// The user clicked the failed-writes count (the shell opens the outbox list).
    void failedWritesClicked();

private:
    void rewire();
    void updateConnection();
    UiContext *m_context;
    QPointer<client::Workspace> m_workspace;
    QList<QMetaObject::Connection> m_connections;
    QLabel *m_connection;
    QLabel *m_sync;
    QProgressBar *m_progress;
    QLabel *m_credits;
    QLabel *m_pending;
    QToolButton *m_failed;
    QTimer m_poll;
    QString m_note;
    bool m_online = true;
    bool m_syncing = false;
};

} // namespace vesper::ui
