#include "ui/gallery/sessionpanel.h"

#include "client/cache/cachestore.h"
#include "client/models/sessionlistmodel.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

#include <QAction>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

namespace vesper::ui {

using Model = client::SessionListModel;

namespace {
// A session's name with its marks: private, and waiting to send when made offline.
class SessionDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        QStringList marks;
        if (index.data(Model::IsPrivateRole).toBool())
            marks << SessionPanel::tr("private");
        if (index.data(Model::IsPendingRole).toBool())
            marks << SessionPanel::tr("waiting to send");
        if (!marks.isEmpty())
            option->text += QStringLiteral("  · ") + marks.join(QStringLiteral(" · "));
    }
};

QAction *makeAction(QWidget *owner, const QString &text, const QKeySequence &shortcut, Qt::ShortcutContext context)
{
    auto *action = new QAction(text, owner);
    if (!shortcut.isEmpty()) {
        action->setShortcut(shortcut);
        action->setShortcutContext(context);
        action->setToolTip(QStringLiteral("%1 (%2)").arg(QString(text).remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                                                         shortcut.toString(QKeySequence::NativeText)));
    }
    owner->addAction(action);
    return action;
}
} // namespace

SessionPanel::SessionPanel(UiContext *ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_list(new QListView(this))
    , m_hint(new QLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_hint);
    m_list->setItemDelegate(new SessionDelegate(m_list));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_hint->setWordWrap(true);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setMargin(12);

    m_new = makeAction(this, tr("&New session…"), QKeySequence(Qt::CTRL | Qt::Key_N), Qt::WindowShortcut);
    m_rename = makeAction(this, tr("&Rename session…"), QKeySequence(Qt::Key_F2), Qt::WidgetWithChildrenShortcut);
    m_private = makeAction(this, tr("&Private session"), {}, Qt::WidgetWithChildrenShortcut);
    m_private->setCheckable(true);
    m_private->setToolTip(tr("Only the project's owner sees a private session (owner only)"));
    m_delete = makeAction(this, tr("&Delete session…"), QKeySequence(QKeySequence::Delete), Qt::WidgetWithChildrenShortcut);
    connect(m_new, &QAction::triggered, this, &SessionPanel::newSession);
    connect(m_rename, &QAction::triggered, this, &SessionPanel::renameSession);
    connect(m_private, &QAction::triggered, this, &SessionPanel::setPrivate);
    connect(m_delete, &QAction::triggered, this, &SessionPanel::deleteSession);
    connect(m_list, &QWidget::customContextMenuRequested, this, &SessionPanel::showContextMenu);
    connect(m_ctx, &UiContext::workspaceChanged, this, &SessionPanel::workspaceChanged);
    connect(m_ctx, &UiContext::cacheChanged, this, [this](const client::CacheChanges &changes) {
        if (!m_model)
            return;
        // The selected session a placeholder the server just confirmed: it goes now and the
        // server's row comes with the next sync. Nothing is selected meanwhile (a neighbour would
        // take the gallery and the prompt bar to another session); createdRowsConfirmed says which
        // row to select when it arrives.
        const QModelIndex current = m_list->currentIndex();
        if (current.data(Model::IsPendingRole).toBool() && changes.removedSessions.contains(current.data(Model::IdRole).toString())) {
            m_followLocalId = current.data(Model::IdRole).toString();
            m_list->setCurrentIndex({});
        }
        m_model->applyChanges(changes);
        if (!m_selectWhenArrives.isEmpty() && m_model->rowOf(m_selectWhenArrives) >= 0) {
            selectSession(m_selectWhenArrives);
            m_selectWhenArrives.clear();
        }
        updateActions();
        updateHint();
    });
    connect(m_ctx, &UiContext::createdRowsConfirmed, this, [this](const QHash<QString, QString> &localToServer) {
        if (m_followLocalId.isEmpty() || !localToServer.contains(m_followLocalId))
            return;
        m_selectWhenArrives = localToServer.value(m_followLocalId);
        m_followLocalId.clear();
        if (m_model && m_model->rowOf(m_selectWhenArrives) >= 0) { // the sync was quicker
            selectSession(m_selectWhenArrives);
            m_selectWhenArrives.clear();
        }
    });
    rebuildModel();
}

SessionPanel::~SessionPanel() = default;

void SessionPanel::workspaceChanged()
{
    if (m_model && m_ctx->isSameCache()) {
        m_model->rebindCache(m_ctx->workspace()->cache());
        return;
    }
    rebuildModel();
}

void SessionPanel::rebuildModel()
{
    Model *old = m_model;
    m_model = nullptr;
    if (m_ctx->workspace() && m_ctx->workspace()->isOpen()) {
        m_model = new Model(m_ctx->workspace()->cache(), this);
        m_model->setProject(m_projectId);
    }
    QItemSelectionModel *oldSelection = m_list->selectionModel();
    m_list->setModel(m_model);
    delete oldSelection;
    delete old;
    if (m_list->selectionModel()) {
        connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
            updateActions();
            const QString id = current.data(Model::IdRole).toString();
            if (id != m_lastEmitted) {
                m_lastEmitted = id;
                Q_EMIT sessionSelected(id);
            }
        });
    }
    updateActions();
    updateHint();
}

void SessionPanel::setProject(const QString &projectId)
{
    if (projectId == m_projectId)
        return;
    m_projectId = projectId;
    if (m_model)
        m_model->setProject(projectId);
    updateActions();
    updateHint();
}

QString SessionPanel::currentSessionId() const
{
    return m_list->currentIndex().data(Model::IdRole).toString();
}

void SessionPanel::selectSession(const QString &id)
{
    if (!m_model || m_model->rowOf(id) < 0)
        return;
    m_list->setCurrentIndex(m_model->index(m_model->rowOf(id), 0));
}

QList<QAction *> SessionPanel::actions() const
{
    return {m_new, m_rename, m_private, m_delete};
}

bool SessionPanel::ownsProject() const
{
    if (!m_ctx->workspace() || m_projectId.isEmpty())
        return false;
    const std::optional<Project> project = m_ctx->workspace()->cache().project(m_projectId);
    return project && project->role == MemberRole::Owner;
}

void SessionPanel::updateActions()
{
    const QModelIndex current = m_list->currentIndex();
    const bool has = m_model && current.isValid();
    const bool owner = ownsProject();
    m_new->setEnabled(m_model && !m_projectId.isEmpty());
    m_rename->setEnabled(has);
    m_private->setEnabled(has && owner);
    m_private->setChecked(has && current.data(Model::IsPrivateRole).toBool());
    m_delete->setEnabled(has);
}

void SessionPanel::updateHint()
{
    const bool empty = !m_model || m_model->rowCount() == 0;
    m_hint->setVisible(empty);
    m_hint->setText(m_projectId.isEmpty() ? tr("Open a project to see its sessions.")
                                          : tr("No sessions yet.\nMake one with New session (Ctrl+N)."));
}

void SessionPanel::newSession()
{
    if (!m_model || m_projectId.isEmpty())
        return;
    bool ok = false;
    const QString suggested = tr("Session %1").arg(m_model->rowCount() + 1);
    const QString name = QInputDialog::getText(this, tr("New session"), tr("Name:"), QLineEdit::Normal, suggested, &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().createSession(m_projectId, name);
    if (!write.ok())
        return m_ctx->reportError(tr("The session could not be created."), write.error);
    m_selectWhenArrives = write.localId;
    selectSession(write.localId);
    m_ctx->submitWrites();
}

void SessionPanel::renameSession()
{
    const QModelIndex current = m_list->currentIndex();
    if (!m_model || !current.isValid())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename session"), tr("Name:"), QLineEdit::Normal,
                                               current.data(Model::NameRole).toString(), &ok).trimmed();
    if (!ok || name.isEmpty() || name == current.data(Model::NameRole).toString())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().updateSession(
        current.data(Model::IdRole).toString(), QJsonObject{{QStringLiteral("name"), name}}, current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The session could not be renamed."), write.error);
    m_ctx->submitWrites();
}

void SessionPanel::setPrivate(bool isPrivate)
{
    const QModelIndex current = m_list->currentIndex();
    if (!m_model || !current.isValid() || !ownsProject())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().updateSession(
        current.data(Model::IdRole).toString(), QJsonObject{{QStringLiteral("isPrivate"), isPrivate}},
        current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The session could not be changed."), write.error);
    m_ctx->submitWrites();
}

void SessionPanel::deleteSession()
{
    const QModelIndex current = m_list->currentIndex();
    if (!m_model || !current.isValid())
        return;
    QMessageBox box(QMessageBox::Warning, tr("Delete session"),
                    tr("Delete “%1” with all its images?").arg(current.data(Model::NameRole).toString()), QMessageBox::Cancel, this);
    box.setInformativeText(tr("This cannot be undone."));
    QPushButton *confirm = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != confirm)
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().remove(QStringLiteral("session"), current.data(Model::IdRole).toString(),
                                                                          current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The session could not be deleted."), write.error);
    m_ctx->submitWrites();
}

void SessionPanel::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_list->indexAt(pos);
    if (index.isValid())
        m_list->setCurrentIndex(index);
    updateActions();
    QMenu menu(this);
    menu.addAction(m_new);
    if (index.isValid()) {
        menu.addAction(m_rename);
        menu.addAction(m_private);
        menu.addSeparator();
        menu.addAction(m_delete);
    }
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

} // namespace vesper::ui
