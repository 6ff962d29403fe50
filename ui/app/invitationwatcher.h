#pragma once
// Tells the user when someone invites them to a project: a team server adds members by invitation
// (the invitee accepts before the project shows), so after each sync — at most once a minute — it
// asks the server for invitations off the GUI thread and puts each new one in the banner with an
// Accept button. Accepting syncs, and the project appears in the gallery.
#include <QElapsedTimer>
#include <QObject>
#include <QSet>

namespace vesper::ui {

class UiContext;

class InvitationWatcher : public QObject {
    Q_OBJECT
public:
    explicit InvitationWatcher(UiContext *context, QObject *parent = nullptr);

    /// Asks the server now (unless asked less than a minute ago and force is false).
    void check(bool force = false);

private:
    void rewire();
    void accept(const QString &invitationId, const QString &projectName);
    UiContext *m_context;
    QSet<QString> m_shown;
    QElapsedTimer m_lastCheck;
    bool m_checking = false;
    QMetaObject::Connection m_syncConnection;
};

} // namespace vesper::ui
