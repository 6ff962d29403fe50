#include "ui/gallery/membersdialog.h"

#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

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
    resize(520, 360);
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
    const client::OutboxWrite write =
        m_ctx->workspace()->outbox().removeMember(m_projectId, items.first()->data(0, Qt::UserRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The member could not be removed."), write.error);
    delete items.first(); // gone from the list now; the sync confirms
    m_ctx->submitWrites();
}

} // namespace vesper::ui
