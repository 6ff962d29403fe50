#include "ui/gallery/projectgalleryview.h"

#include "client/models/projectlistmodel.h"
#include "client/sync/outbox.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/membersdialog.h"
#include "ui/gallery/projectcarddelegate.h"
#include "ui/gallery/thumbnailbinder.h"

#include <QAction>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QJsonObject>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

namespace vesper::ui {

using Model = client::ProjectListModel;

namespace {
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

ProjectGalleryView::ProjectGalleryView(UiContext *ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_grid(new GalleryGrid(this))
    , m_delegate(new ProjectCardDelegate(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_grid);
    m_grid->setItemDelegate(m_delegate);
    m_grid->setTextHeight(ProjectCardDelegate::textHeight(font()));
    m_grid->setPillText(tr("New projects ↑"));
    m_grid->setContextMenuPolicy(Qt::CustomContextMenu);
    m_binder = new ThumbnailBinder(
        m_grid, [](const QModelIndex &index) { return QStringList{index.data(Model::ThumbnailOutputIdRole).toString()}; }, this);

    m_new = makeAction(this, tr("&New project…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), Qt::WindowShortcut);
    m_rename = makeAction(this, tr("&Rename project…"), QKeySequence(Qt::Key_F2), Qt::WidgetWithChildrenShortcut);
    m_share = makeAction(this, tr("&Shared with members"), {}, Qt::WidgetWithChildrenShortcut);
    m_share->setCheckable(true);
    m_share->setToolTip(tr("Members see this project's sessions (owner only)"));
    m_members = makeAction(this, tr("&Members…"), {}, Qt::WidgetWithChildrenShortcut);
    m_members->setToolTip(tr("Add or remove who can see this project (owner only)"));
    m_delete = makeAction(this, tr("&Delete project…"), QKeySequence(QKeySequence::Delete), Qt::WidgetWithChildrenShortcut);
    m_zoomIn = makeAction(this, tr("Larger thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Equal), Qt::WidgetWithChildrenShortcut);
    m_zoomOut = makeAction(this, tr("Smaller thumbnails"), QKeySequence(Qt::CTRL | Qt::Key_Minus), Qt::WidgetWithChildrenShortcut);
    connect(m_new, &QAction::triggered, this, &ProjectGalleryView::newProject);
    connect(m_rename, &QAction::triggered, this, &ProjectGalleryView::renameProject);
    connect(m_share, &QAction::triggered, this, &ProjectGalleryView::setShared);
    connect(m_members, &QAction::triggered, this, &ProjectGalleryView::showMembers);
    connect(m_delete, &QAction::triggered, this, &ProjectGalleryView::deleteProject);
    connect(m_zoomIn, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() + 32); });
    connect(m_zoomOut, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() - 32); });

    connect(m_grid, &GalleryGrid::thumbnailSizeChanged, this, &ProjectGalleryView::thumbnailSizeChanged);
    connect(m_grid, &GalleryGrid::thumbnailSizeChanged, m_binder, &ThumbnailBinder::scheduleBind);
    const auto activate = [this](const QModelIndex &index) {
        if (index.isValid())
            Q_EMIT projectActivated(index.data(Model::IdRole).toString());
    };
    connect(m_grid, &GalleryGrid::activatedByKey, this, activate);
    connect(m_grid, &QAbstractItemView::doubleClicked, this, activate);
    connect(m_grid, &QWidget::customContextMenuRequested, this, &ProjectGalleryView::showContextMenu);
    connect(m_ctx, &UiContext::workspaceChanged, this, &ProjectGalleryView::workspaceChanged);
    connect(m_ctx, &UiContext::cacheChanged, this, [this](const client::CacheChanges &changes) {
        if (!m_model)
            return;
        // The current card a placeholder the server just confirmed: it goes now, the server's row
        // comes with the next sync, and the selection follows it there (createdRowsConfirmed).
        const QModelIndex current = m_grid->currentIndex();
        if (current.data(Model::IsPendingRole).toBool() && changes.removedProjects.contains(current.data(Model::IdRole).toString()))
            m_followLocalId = current.data(Model::IdRole).toString();
        m_model->applyChanges(changes);
        if (!m_selectWhenArrives.isEmpty() && m_model->rowOf(m_selectWhenArrives) >= 0) {
            selectProject(m_selectWhenArrives);
            m_selectWhenArrives.clear();
        }
        updateActions();
    });
    connect(m_ctx, &UiContext::createdRowsConfirmed, this, [this](const QHash<QString, QString> &localToServer) {
        if (m_followLocalId.isEmpty() || !localToServer.contains(m_followLocalId))
            return;
        m_selectWhenArrives = localToServer.value(m_followLocalId);
        m_followLocalId.clear();
        if (m_model && m_model->rowOf(m_selectWhenArrives) >= 0) { // the sync was quicker
            selectProject(m_selectWhenArrives);
            m_selectWhenArrives.clear();
        }
    });
    rebuildModel();
}

ProjectGalleryView::~ProjectGalleryView() = default;

void ProjectGalleryView::workspaceChanged()
{
    if (m_model && m_ctx->isSameCache()) {
        m_model->rebindCache(m_ctx->workspace()->cache());
        applyCache(); // the new workspace's thumbnail cache
        return;
    }
    rebuildModel();
}

void ProjectGalleryView::rebuildModel()
{
    Model *old = m_model;
    m_model = nullptr;
    if (m_ctx->workspace() && m_ctx->workspace()->isOpen()) {
        m_model = new Model(m_ctx->workspace()->cache(), this);
        m_model->reload();
    }
    QItemSelectionModel *oldSelection = m_grid->selectionModel();
    m_grid->setModel(m_model);
    delete oldSelection;
    delete old;
    if (m_grid->selectionModel())
        connect(m_grid->selectionModel(), &QItemSelectionModel::currentChanged, this, &ProjectGalleryView::updateActions);
    m_grid->setEmptyText(m_model ? tr("No projects yet") : tr("Not connected"),
                         m_model ? tr("Make one with New project (Ctrl+Shift+N): a project holds sessions, and sessions hold your images.")
                                 : tr("Connect to a server or open the local library to see your projects."));
    applyCache();
    updateActions();
}

void ProjectGalleryView::setThumbnailCache(client::ThumbnailCache *cache)
{
    m_cacheOverride = cache;
    applyCache();
}

void ProjectGalleryView::applyCache()
{
    client::ThumbnailCache *cache = m_cacheOverride ? m_cacheOverride.data() : m_ctx->thumbnails();
    m_delegate->setCache(cache);
    m_binder->setCache(cache);
}

QString ProjectGalleryView::currentProjectId() const
{
    return m_grid->currentIndex().data(Model::IdRole).toString();
}

void ProjectGalleryView::selectProject(const QString &id)
{
    if (!m_model || m_model->rowOf(id) < 0)
        return;
    const QModelIndex index = m_model->index(m_model->rowOf(id), 0);
    m_grid->setCurrentIndex(index);
    m_grid->scrollTo(index);
}

QList<QAction *> ProjectGalleryView::actions() const
{
    return {m_new, m_rename, m_share, m_members, m_delete};
}

void ProjectGalleryView::setThumbnailSize(int px)
{
    m_grid->setThumbnailSize(px);
}

void ProjectGalleryView::useZoomActions(QAction *bigger, QAction *smaller)
{
    if (!bigger || !smaller)
        return;
    delete m_zoomIn; // removed from this widget with it
    delete m_zoomOut;
    m_zoomIn = bigger;
    m_zoomOut = smaller;
}

int ProjectGalleryView::thumbnailSize() const
{
    return m_grid->thumbnailSize();
}

bool ProjectGalleryView::isOwnerOfCurrent() const
{
    return m_grid->currentIndex().data(Model::CallerRoleRole).toString() == QLatin1String("owner");
}

void ProjectGalleryView::updateActions()
{
    const QModelIndex current = m_grid->currentIndex();
    const bool has = m_model && current.isValid();
    const bool owner = has && isOwnerOfCurrent();
    m_new->setEnabled(m_model != nullptr);
    m_rename->setEnabled(has && current.data(Model::CallerRoleRole).toString() != QLatin1String("viewer"));
    m_share->setEnabled(owner);
    m_share->setChecked(has && current.data(Model::IsSharedRole).toBool());
    m_members->setEnabled(owner);
    m_delete->setEnabled(owner);
}

void ProjectGalleryView::newProject()
{
    if (!m_model)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New project"), tr("Name:"), QLineEdit::Normal, QString(), &ok).trimmed();
    if (!ok || name.isEmpty())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().createProject(name);
    if (!write.ok()) {
        m_ctx->reportError(tr("The project could not be created."), write.error);
        return;
    }
    m_selectWhenArrives = write.localId;
    selectProject(write.localId); // when the pending row is already in
    m_ctx->submitWrites();
}

void ProjectGalleryView::renameProject()
{
    const QModelIndex current = m_grid->currentIndex();
    if (!m_model || !current.isValid())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename project"), tr("Name:"), QLineEdit::Normal,
                                               current.data(Model::NameRole).toString(), &ok).trimmed();
    if (!ok || name.isEmpty() || name == current.data(Model::NameRole).toString())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().updateProject(
        current.data(Model::IdRole).toString(), QJsonObject{{QStringLiteral("name"), name}}, current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The project could not be renamed."), write.error);
    m_ctx->submitWrites();
}

void ProjectGalleryView::setShared(bool shared)
{
    const QModelIndex current = m_grid->currentIndex();
    if (!m_model || !current.isValid() || !isOwnerOfCurrent())
        return;
    const client::OutboxWrite write = m_ctx->workspace()->outbox().updateProject(
        current.data(Model::IdRole).toString(), QJsonObject{{QStringLiteral("isShared"), shared}}, current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("Sharing could not be changed."), write.error);
    m_ctx->submitWrites();
}

void ProjectGalleryView::showMembers()
{
    const QModelIndex current = m_grid->currentIndex();
    if (!m_model || !current.isValid() || !isOwnerOfCurrent())
        return;
    MembersDialog dialog(m_ctx, current.data(Model::IdRole).toString(), current.data(Model::NameRole).toString(), this);
    dialog.exec();
}

void ProjectGalleryView::deleteProject()
{
    const QModelIndex current = m_grid->currentIndex();
    if (!m_model || !current.isValid() || !isOwnerOfCurrent())
        return;
    const QString name = current.data(Model::NameRole).toString();
    QMessageBox box(QMessageBox::Warning, tr("Delete project"),
                    tr("Delete “%1” with all its sessions and images?").arg(name), QMessageBox::Cancel, this);
    box.setInformativeText(tr("This cannot be undone, for you and for its members."));
    QPushButton *confirm = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != confirm)
        return;
    const client::OutboxWrite write =
        m_ctx->workspace()->outbox().remove(QStringLiteral("project"), current.data(Model::IdRole).toString(), current.data(Model::RevRole).toString());
    if (!write.ok())
        return m_ctx->reportError(tr("The project could not be deleted."), write.error);
    m_ctx->submitWrites();
}

void ProjectGalleryView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_grid->indexAt(pos);
    if (index.isValid())
        m_grid->setCurrentIndex(index);
    updateActions();
    QMenu menu(this);
    if (index.isValid()) {
        menu.addAction(tr("Open"), this, [this, index] { Q_EMIT projectActivated(index.data(Model::IdRole).toString()); });
        menu.addSeparator();
    }
    menu.addAction(m_new);
    if (index.isValid()) {
        menu.addAction(m_rename);
        menu.addAction(m_share);
        menu.addAction(m_members);
        menu.addSeparator();
        menu.addAction(m_delete);
    }
    menu.addSeparator();
    menu.addAction(m_zoomIn);
    menu.addAction(m_zoomOut);
    menu.exec(m_grid->viewport()->mapToGlobal(pos));
}

} // namespace vesper::ui
