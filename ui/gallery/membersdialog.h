#pragma once
// Who can see a project, for its owner: the members the cache holds (refreshed when a sync brings a
// change to them), adding one by email with a role, and removing one — each a queued write through
// the outbox, sent at once when online — and, read from the server when online, the invitations
// nobody has answered yet, which the owner can withdraw.
#include <QDialog>

class QComboBox;
class QJsonArray;
class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace vesper::ui {

class UiContext;

class MembersDialog : public QDialog {
    Q_OBJECT
public:
    MembersDialog(UiContext *ctx, const QString &projectId, const QString &projectName, QWidget *parent = nullptr);

    /// Reads the members from the cache again.
    void reload();

    /// Asks the server for the unanswered invitations (off the GUI thread) and lists them.
    void reloadInvitations();

private:
    void addMember();
    void removeSelected();
    void withdraw(const QString &invitationId);
    void showInvitations(const QJsonArray &invitations);
    UiContext *m_ctx;
    QString m_projectId;
    QTreeWidget *m_list;
    QLineEdit *m_email;
    QComboBox *m_role;
    QPushButton *m_add;
    QPushButton *m_remove;
    QLabel *m_pendingNote;
};

} // namespace vesper::ui
