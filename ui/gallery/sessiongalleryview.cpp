#include "ui/gallery/sessiongalleryview.h"

#include "client/models/generationlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/generationcarddelegate.h"
#include "ui/gallery/generationcommands.h"
#include "ui/gallery/quicklook.h"
#include "ui/gallery/thumbnailbinder.h"

#include <QAction>
#include <QCoreApplication>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QMenu>
#include <QScrollBar>
#include <QVBoxLayout>

namespace vesper::ui {

using Model = client::GenerationListModel;

SessionGalleryView::SessionGalleryView(UiContext *ctx, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_grid(new GalleryGrid(this))
    , m_delegate(new GenerationCardDelegate(this))
    , m_commands(new GenerationCommands(ctx, this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_grid);
    m_grid->setItemDelegate(m_delegate);
    m_grid->setTextHeight(GenerationCardDelegate::textHeight(font()));
    m_grid->setContextMenuPolicy(Qt::CustomContextMenu);
    m_binder = new ThumbnailBinder(m_grid, [](const QModelIndex &index) { return index.data(Model::OutputIdsRole).toStringList(); }, this);

    m_zoomIn = new QAction(tr("Larger thumbnails"), this);
    m_zoomIn->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence(Qt::CTRL | Qt::Key_Plus)});
    m_zoomOut = new QAction(tr("Smaller thumbnails"), this);
    m_zoomOut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Minus)); // QKeySequence::ZoomOut is this key again: ambiguous
    for (QAction *a : {m_zoomIn, m_zoomOut}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(a->text(), a->shortcut().toString(QKeySequence::NativeText)));
        addAction(a);
    }
    connect(m_zoomIn, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() + 32); });
    connect(m_zoomOut, &QAction::triggered, this, [this] { setThumbnailSize(thumbnailSize() - 32); });

    connect(m_grid, &GalleryGrid::thumbnailSizeChanged, this, &SessionGalleryView::thumbnailSizeChanged);
    connect(m_grid, &GalleryGrid::thumbnailSizeChanged, m_binder, &ThumbnailBinder::scheduleBind);
    connect(m_grid, &GalleryGrid::activatedByKey, this, &SessionGalleryView::activate);
    m_quickLook = new QuickLook(m_grid);
    connect(m_grid, &GalleryGrid::quickLookRequested, this, &SessionGalleryView::showQuickLook);
    connect(m_quickLook, &QuickLook::moveRequested, this, [this](int key) {
        QKeyEvent press(QEvent::KeyPress, key, Qt::NoModifier);
        QCoreApplication::sendEvent(m_grid, &press); // the grid moves as it would under the user's hand
        showQuickLook(m_grid->currentIndex());
    });
    connect(m_quickLook, &QuickLook::closed, m_grid, [this] { m_grid->setFocus(Qt::OtherFocusReason); });
    connect(m_grid, &QAbstractItemView::doubleClicked, this, &SessionGalleryView::activate);
    connect(m_grid, &QWidget::customContextMenuRequested, this, &SessionGalleryView::showContextMenu);
    connect(m_delegate, &GenerationCardDelegate::cancelRequested, m_commands, &GenerationCommands::cancel);
    connect(m_delegate, &GenerationCardDelegate::retryRequested, this, &SessionGalleryView::retry);
    connect(m_ctx, &UiContext::workspaceChanged, this, &SessionGalleryView::workspaceChanged);
    connect(m_ctx, &UiContext::cacheChanged, this, [this](const client::CacheChanges &changes) {
        if (m_model)
            m_model->applyChanges(changes);
    });
    rebuildModel();
}

SessionGalleryView::~SessionGalleryView() = default;

void SessionGalleryView::workspaceChanged()
{
    if (m_model && m_ctx->isSameCache()) {
        m_model->rebindCache(m_ctx->workspace()->cache());
        applyCache(); // the new workspace's thumbnail cache
        return;
    }
    rebuildModel();
}

void SessionGalleryView::rebuildModel()
{
    Model *old = m_model;
    m_model = nullptr;
    if (m_ctx->workspace() && m_ctx->workspace()->isOpen()) {
        m_model = new Model(m_ctx->workspace()->cache(), this);
        if (!m_searchText.isEmpty())
            m_model->showSearch(m_searchText);
        else
            m_model->showSession(m_sessionId);
        connect(m_model, &QAbstractItemModel::modelReset, this, &SessionGalleryView::updateEmptyText);
    }
    QItemSelectionModel *oldSelection = m_grid->selectionModel();
    m_grid->setModel(m_model);
    delete oldSelection; // setModel leaves the old one to its owner
    delete old;
    applyCache();
    updateEmptyText();
}

void SessionGalleryView::setThumbnailCache(client::ThumbnailCache *cache)
{
    m_cacheOverride = cache;
    applyCache();
}

void SessionGalleryView::applyCache()
{
    client::ThumbnailCache *cache = m_cacheOverride ? m_cacheOverride.data() : m_ctx->thumbnails();
    m_delegate->setCache(cache);
    m_binder->setCache(cache);
    m_binder->scheduleBind();
}

void SessionGalleryView::setSession(const QString &id)
{
    if (id == m_sessionId && m_searchText.isEmpty())
        return;
    m_sessionId = id;
    m_searchText.clear();
    m_sessionPlace = {};
    if (m_model)
        m_model->showSession(id);
    updateEmptyText();
}

void SessionGalleryView::showSearch(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_searchText)
        return; // the same search (or none): nothing to reload, the place stays
    if (m_searchText.isEmpty())
        m_sessionPlace = savePlace(); // leaving the session for a search: where to come back to
    m_searchText = trimmed;
    if (m_model) {
        if (m_searchText.isEmpty()) {
            m_model->showSession(m_sessionId);
            restorePlace(m_sessionPlace);
        } else {
            m_model->showSearch(m_searchText);
        }
    }
    updateEmptyText();
}

SessionGalleryView::Place SessionGalleryView::savePlace() const
{
    Place place;
    if (!m_model)
        return place;
    place.currentId = currentGenerationId();
    place.scroll = m_grid->verticalScrollBar()->value();
    // The card the user looks at: the current one when on screen, else the top-left one.
    QModelIndex anchor = m_grid->currentIndex();
    if (!anchor.isValid() || !m_grid->viewport()->rect().intersects(m_grid->visualRect(anchor)))
        anchor = m_grid->indexAt(QPoint(m_grid->gridSize().width() / 2, 1));
    if (anchor.isValid()) {
        place.anchorId = anchor.data(Model::IdRole).toString();
        place.anchorTop = m_grid->visualRect(anchor).top();
    }
    return place;
}

void SessionGalleryView::restorePlace(const Place &place)
{
    if (!m_model || (place.currentId.isEmpty() && place.anchorId.isEmpty()))
        return;
    // The rows the place needs, loaded as scrolling there would have loaded them.
    const auto loaded = [this](const QString &id) { return id.isEmpty() || m_model->rowOf(id) >= 0; };
    while ((!loaded(place.currentId) || !loaded(place.anchorId)) && m_model->canFetchMore({}))
        m_model->fetchMore({});
    if (const int row = place.currentId.isEmpty() ? -1 : m_model->rowOf(place.currentId); row >= 0)
        m_grid->selectionModel()->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect);
    m_grid->doItemsLayout();
    const int anchorRow = place.anchorId.isEmpty() ? -1 : m_model->rowOf(place.anchorId);
    if (anchorRow < 0) {
        m_grid->verticalScrollBar()->setValue(place.scroll);
        return;
    }
    const int top = m_grid->visualRect(m_model->index(anchorRow, 0)).top();
    m_grid->verticalScrollBar()->setValue(m_grid->verticalScrollBar()->value() + top - place.anchorTop);
}

void SessionGalleryView::updateEmptyText()
{
    if (!m_ctx->workspace())
        m_grid->setEmptyText(tr("Not connected"), tr("Connect to a server or open the local library to see your images."));
    else if (!m_searchText.isEmpty())
        m_grid->setEmptyText(tr("Nothing matches “%1”").arg(m_searchText), tr("Search looks in prompts and negative prompts of every project."));
    else if (m_sessionId.isEmpty())
        m_grid->setEmptyText(tr("No session open"), tr("Pick a session on the left, or make a new one with Ctrl+N."));
    else
        m_grid->setEmptyText(tr("No images yet"), tr("Type a prompt in the bar below and press Ctrl+Enter to make the first image."));
}

void SessionGalleryView::setThumbnailSize(int px)
{
    m_grid->setThumbnailSize(px);
}

void SessionGalleryView::useZoomActions(QAction *bigger, QAction *smaller)
{
    if (!bigger || !smaller)
        return;
    delete m_zoomIn; // removed from this widget with it
    delete m_zoomOut;
    m_zoomIn = bigger;
    m_zoomOut = smaller;
}

int SessionGalleryView::thumbnailSize() const
{
    return m_grid->thumbnailSize();
}

QString SessionGalleryView::currentGenerationId() const
{
    return m_grid->currentIndex().data(Model::IdRole).toString();
}

void SessionGalleryView::selectGeneration(const QString &generationId)
{
    if (!m_model)
        return;
    const int row = m_model->rowOf(generationId);
    if (row < 0)
        return;
    const QModelIndex index = m_model->index(row, 0);
    m_grid->setCurrentIndex(index);
    m_grid->scrollTo(index);
}

QList<QAction *> SessionGalleryView::actions() const
{
    return {m_zoomIn, m_zoomOut};
}

void SessionGalleryView::activate(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    Q_EMIT outputActivated(index.data(Model::IdRole).toString(), index.data(Model::FirstOutputIdRole).toString());
}

void SessionGalleryView::showQuickLook(const QModelIndex &index)
{
    if (!index.isValid())
        return;
    const QString prompt = index.data(Model::PromptRole).toString();
    const QString model = index.data(Model::ModelIdRole).toString();
    m_quickLook->setCache(m_cacheOverride ? m_cacheOverride.data() : m_ctx->thumbnails());
    m_quickLook->showOutput(index.data(Model::FirstOutputIdRole).toString(),
                            model.isEmpty() ? prompt : QStringLiteral("%1 · %2").arg(prompt, model));
}

void SessionGalleryView::retry(const QString &generationId)
{
    if (!m_model)
        return;
    if (const std::optional<Generation> generation = m_model->generationAt(m_model->rowOf(generationId)))
        m_commands->retry(*generation);
}

void SessionGalleryView::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_grid->indexAt(pos);
    QMenu menu(this);
    if (index.isValid()) {
        const QString id = index.data(Model::IdRole).toString();
        const QString status = index.data(Model::StatusRole).toString();
        QAction *open = menu.addAction(tr("Open"), this, [this, index] { activate(index); });
        open->setShortcut(QKeySequence(Qt::Key_Return));
        open->setEnabled(!index.data(Model::FirstOutputIdRole).toString().isEmpty());
        QAction *look = menu.addAction(tr("Quick look"), this, [this, index] { showQuickLook(index); });
        look->setShortcut(QKeySequence(Qt::Key_Space));
        if (status == QLatin1String("queued") || status == QLatin1String("processing"))
            menu.addAction(tr("Cancel generation"), m_commands, [this, id] { m_commands->cancel(id); });
        if (status == QLatin1String("failed"))
            menu.addAction(tr("Retry"), this, [this, id] { retry(id); });
        menu.addSeparator();
    }
    menu.addAction(m_zoomIn);
    menu.addAction(m_zoomOut);
    menu.exec(m_grid->viewport()->mapToGlobal(pos));
}

} // namespace vesper::ui
