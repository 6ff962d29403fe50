#include "ui/gallery/membersdialog.h"

#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "client/net/apiclient.h"
#include "ui/app/offthread.h"
#include "ui/app/uicontext.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace vesper::ui {

MembersDialog::MembersDialog(UiContext *ctx, const QString &projectId, const QString &projectName, QWidget *parent)
    : QDialog(parent)
    , m_ctx(ctx)
    , m_projectId(projectId)
    , m_list(new QTreeWidget(this))
    , m_email(new QLineEdit(this))
    , m_role(new QComboBox(this))
    , m_add(new QPushButton(tr("Add"), this))
    , m_remove(new QPushButton(tr("Remove"), this))
    , m_pendingNote(new QLabel(this))
{
    setWindowTitle(tr("Members of %1").arg(projectName));
    m_list->setColumnCount(3);
    m_list->setHeaderLabels({tr("Name"), tr("Email"), tr("Role")});
    m_list->setRootIsDecorated(false);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_email->setPlaceholderText(tr("Email of someone with an account"));
    m_role->addItem(tr("Editor — can generate"), QStringLiteral("editor"));
    m_role->addItem(tr("Viewer — can look"), QStringLiteral("viewer"));
    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_email, 1);
    addRow->addWidget(m_role);
    addRow->addWidget(m_add);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_remove, QDialogButtonBox::ActionRole);
    auto *layout = new QVBoxLayout(this);
    auto *note = new QLabel(tr("Members see the project's sessions that are not private. The owner is not listed."), this);
    note->setWordWrap(true);
    layout->addWidget(note);
    layout->addWidget(m_list);
    m_pendingNote->setWordWrap(true);
    m_pendingNote->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(m_pendingNote);
    layout->addLayout(addRow);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_add, &QPushButton::clicked, this, &MembersDialog::addMember);
    connect(m_email, &QLineEdit::returnPressed, this, &MembersDialog::addMember);
    connect(m_remove, &QPushButton::clicked, this, &MembersDialog::removeSelected);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] { m_remove->setEnabled(!m_list->selectedItems().isEmpty()); });
    connect(m_ctx, &UiContext::cacheChanged, this, [this](const client::CacheChanges &changes) {
        if (changes.memberProjects.contains(m_projectId))
            reload();
    });
    // An invitation sent (or refused) changes what is pending.
    connect(m_ctx, &UiContext::writesSubmitted, this, [this](int sent, int, const QString &) {
        if (sent > 0)
            reloadInvitations();
    });
    resize(520, 380);
    reload();
}

void MembersDialog::reload()
{
    m_list->clear();
    m_remove->setEnabled(false);
    if (!m_ctx->workspace() || !m_ctx->workspace()->isOpen())
        return;
    for (const Member &member : m_ctx->workspace()->cache().members(m_projectId)) {
        auto *item = new QTreeWidgetItem(m_list, {member.displayName, member.email, memberRoleName(member.role)});
        item->setData(0, Qt::UserRole, member.userId);
    }
    reloadInvitations();
}

namespace {
constexpr int InvitationIdRole = Qt::UserRole + 1;
} // namespace

void MembersDialog::reloadInvitations()
{
    client::Workspace *workspace = m_ctx->workspace();
    if (!workspace || !workspace->isOpen() || !workspace->http().isOnline()) {
        m_pendingNote->setText(tr("Invitations not answered yet show here when the server is reachable."));
        return;
    }
    client::ApiClient *api = &workspace->api();
    const QString projectId = m_projectId;
    runOffThread<client::ApiResult<QJsonArray>>(this, [api, projectId] { return api->projectInvitations(projectId); },
                                                [this](const client::ApiResult<QJsonArray> &result) {
        if (!result.ok()) {
            m_pendingNote->setText(tr("Invitations not answered yet could not be read: %1").arg(client::describe(result.error)));
            return;
        }
        showInvitations(result.value);
    });
}

void MembersDialog::showInvitations(const QJsonArray &invitations)
{
    for (int i = m_list->topLevelItemCount() - 1; i >= 0; --i) {
        if (!m_list->topLevelItem(i)->data(0, InvitationIdRole).toString().isEmpty())
            delete m_list->takeTopLevelItem(i);
    }
    for (const QJsonValue &value : invitations) {
        const QJsonObject invitation = value.toObject();
        const QString whom = invitation.contains(QStringLiteral("email")) ? invitation.value(QStringLiteral("email")).toString()
                                                                          : invitation.value(QStringLiteral("userId")).toString();
        const MemberRole role = invitation.value(QStringLiteral("role")).toString() == QLatin1String("editor") ? MemberRole::Editor
                                                                                                               : MemberRole::Viewer;
        auto *item = new QTreeWidgetItem(m_list, {tr("Invited, not answered"), whom, memberRoleName(role)});
        item->setData(0, InvitationIdRole, invitation.value(QStringLiteral("id")).toString());
        item->setForeground(0, palette().brush(QPalette::PlaceholderText));
    }
    m_pendingNote->setText(invitations.isEmpty() ? QString()
                                                 : tr("%n invitation(s) not answered yet; Remove withdraws one.", nullptr, int(invitations.size())));
}

void MembersDialog::withdraw(const QString &invitationId)
{
    client::Workspace *workspace = m_ctx->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    client::ApiClient *api = &workspace->api();
    const QString projectId = m_projectId;
    runOffThread<client::ApiResult<bool>>(this, [api, projectId, invitationId] { return api->withdrawInvitation(projectId, invitationId); },
                                          [this](const client::ApiResult<bool> &result) {
        if (!result.ok())
            m_ctx->reportError(tr("The invitation could not be withdrawn."), client::describe(result.error));
        reloadInvitations();
    });
}

void MembersDialog::addMember()
{
    const QString email = m_email->text().trimmed();
    if (email.isEmpty() || !email.contains(QLatin1Char('@')) || !m_ctx->workspace())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().addMember(m_projectId, email, m_role->currentData().toString());
    if (!write.ok())
        return m_ctx->reportError(tr("%1 could not be added.").arg(email), write.error);
    m_email->clear();
    m_ctx->submitWrites();
    // The server invites; the person shows here once they accept (the same answer for any address).
    m_ctx->reportInfo(tr("Invitation to %1 queued; they join when they accept it.").arg(email));
}

void MembersDialog::removeSelected()
{
    const QList<QTreeWidgetItem *> items = m_list->selectedItems();
    if (items.isEmpty() || !m_ctx->workspace())
        return;
    if (const QString invitationId = items.first()->data(0, InvitationIdRole).toString(); !invitationId.isEmpty()) {
        delete items.first();
        return withdraw(invitationId);
    }
    const client::OutboxWrite write =
        m_ctx->workspace()->outbox().removeMember(m_projectId, items.first()->data(0, Qt::UserRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The member could not be removed."), write.error);
    delete items.first(); // gone from the list now; the sync confirms
    m_ctx->submitWrites();
}

} // namespace vesper::ui
