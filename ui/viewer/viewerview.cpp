#include "ui/viewer/viewerview.h"

#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/sync/outbox.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/viewer/deferreddeletes.h"
#include "ui/viewer/imagecanvas.h"
#include "ui/viewer/metadatapanel.h"
#include "ui/viewer/outputfiles.h"
#include "ui/viewer/undotoast.h"

#include <QAction>
#include <QClipboard>
#include <QDrag>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGuiApplication>
#include <QMimeData>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStandardPaths>
#include <QToolBar>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {
const QString kFull = QStringLiteral("full");
const QString kZoomModeKey = QStringLiteral("viewer/zoomMode");
} // namespace

ViewerView::ViewerView(UiContext *ctx, QWidget *parent) : QWidget(parent), m_ctx(ctx)
{
    m_deletes = new DeferredDeletes(this);
    m_toolbar = new QToolBar(this);
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_canvas = new ImageCanvas(this);
    m_metadata = new MetadataPanel(this);
    auto *details = new QScrollArea(this);
    details->setWidget(m_metadata);
    details->setWidgetResizable(true);
    details->setFrameShape(QFrame::NoFrame);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_canvas);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({900, 280});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolbar);
    layout->addWidget(splitter, 1);
    m_toast = new UndoToast(m_canvas);
    buildActions();
    connect(m_toast, &UndoToast::undoClicked, this, &ViewerView::undoDelete);
    connect(m_canvas, &ImageCanvas::dragOutRequested, this, &ViewerView::startDragOut);
    connect(m_canvas, &ImageCanvas::zoomChanged, this, [](qreal zoom, bool fit) {
        QSettings().setValue(kZoomModeKey, fit ? QStringLiteral("fit") : qFuzzyCompare(zoom, 1.0) ? QStringLiteral("actual") : QStringLiteral("fit"));
    });
    connect(m_deletes, &DeferredDeletes::committed, this, [this](const QString &id) {
        m_committed.insert(id);
        refreshHidden();
    });
    m_canvas->clear(tr("No image"));
    updateActions();
}

ViewerView::~ViewerView()
{
    m_deletes->commitAll();
}

QAction *ViewerView::addViewerAction(const QString &name, const QString &text, const QList<QKeySequence> &keys)
{
    auto *action = new QAction(text, this);
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    const QString tip = keys.isEmpty() ? text : tr("%1 (%2)").arg(text, keys.first().toString(QKeySequence::NativeText));
    action->setToolTip(tip);
    addAction(action);
    m_actions.insert(name, action);
    return action;
}

void ViewerView::buildActions()
{
    auto *back = addViewerAction(QStringLiteral("back"), tr("Back"), {QKeySequence(Qt::Key_Escape)});
    connect(back, &QAction::triggered, this, [this] {
        m_deletes->commitAll(); // the gallery shows what is left; the undo period ends with the viewer
        m_toast->hide();
        Q_EMIT closed();
    });
    connect(addViewerAction(QStringLiteral("previous"), tr("Previous"), {QKeySequence(Qt::Key_Left)}),
            &QAction::triggered, this, [this] { step(-1); });
    connect(addViewerAction(QStringLiteral("next"), tr("Next"), {QKeySequence(Qt::Key_Right)}),
            &QAction::triggered, this, [this] { step(+1); });
    connect(addViewerAction(QStringLiteral("fit"), tr("Fit"), {QKeySequence(Qt::Key_0)}),
            &QAction::triggered, m_canvas, &ImageCanvas::fitToWindow);
    connect(addViewerAction(QStringLiteral("actualSize"), tr("100 %"), {QKeySequence(Qt::Key_1)}),
            &QAction::triggered, m_canvas, &ImageCanvas::actualSize);
    connect(addViewerAction(QStringLiteral("zoomOut"), tr("Zoom out"), {QKeySequence(Qt::Key_Minus)}),
            &QAction::triggered, m_canvas, &ImageCanvas::zoomOut);
    connect(addViewerAction(QStringLiteral("zoomIn"), tr("Zoom in"), {QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)}),
            &QAction::triggered, m_canvas, &ImageCanvas::zoomIn);
    QAction *star = addViewerAction(QStringLiteral("star"), tr("Star"), {QKeySequence(Qt::Key_S)});
    star->setCheckable(true);
    connect(star, &QAction::triggered, this, &ViewerView::toggleStar);
    connect(addViewerAction(QStringLiteral("reusePrompt"), tr("Reuse prompt"), {QKeySequence(Qt::Key_R)}),
            &QAction::triggered, this, [this] {
                if (const std::optional<Generation> g = currentGeneration())
                    Q_EMIT reusePrompt(*g);
            });
    connect(addViewerAction(QStringLiteral("reuseAll"), tr("Reuse all settings"), {QKeySequence(Qt::SHIFT | Qt::Key_R)}),
            &QAction::triggered, this, [this] {
                if (const std::optional<Generation> g = currentGeneration())
                    Q_EMIT reuseAll(*g);
            });
    connect(addViewerAction(QStringLiteral("useAsReference"), tr("Use as reference"), {}),
            &QAction::triggered, this, [this] {
                if (m_current.isValid())
                    Q_EMIT useAsReference(m_current.outputId);
            });
    connect(addViewerAction(QStringLiteral("copy"), tr("Copy image"), {QKeySequence::Copy}),
            &QAction::triggered, this, &ViewerView::copyImage);
    connect(addViewerAction(QStringLiteral("saveAs"), tr("Save as…"), {QKeySequence::Save}),
            &QAction::triggered, this, &ViewerView::saveAs);
    connect(addViewerAction(QStringLiteral("delete"), tr("Delete"), {QKeySequence(Qt::Key_Delete)}),
            &QAction::triggered, this, &ViewerView::deleteCurrent);
    connect(addViewerAction(QStringLiteral("undo"), tr("Undo delete"), {QKeySequence::Undo}),
            &QAction::triggered, this, &ViewerView::undoDelete);

    // Short labels on the toolbar; the full names (with their keys) stay in tooltips and menus.
    const QHash<QString, QString> shortLabels{{QStringLiteral("back"), tr("‹ Back")}, {QStringLiteral("previous"), tr("←")},
                                              {QStringLiteral("next"), tr("→")}, {QStringLiteral("zoomOut"), tr("−")},
                                              {QStringLiteral("zoomIn"), tr("+")}, {QStringLiteral("reuseAll"), tr("Reuse all")},
                                              {QStringLiteral("useAsReference"), tr("As reference")}, {QStringLiteral("copy"), tr("Copy")}};
    for (auto it = shortLabels.cbegin(); it != shortLabels.cend(); ++it)
        m_actions.value(it.key())->setIconText(it.value());
    for (const char *name : {"back", "previous", "next"})
        m_toolbar->addAction(m_actions.value(QLatin1String(name)));
    m_toolbar->addSeparator();
    for (const char *name : {"fit", "actualSize", "zoomOut", "zoomIn"})
        m_toolbar->addAction(m_actions.value(QLatin1String(name)));
    m_toolbar->addSeparator();
    for (const char *name : {"star", "reusePrompt", "reuseAll", "useAsReference", "copy", "saveAs", "delete"})
        m_toolbar->addAction(m_actions.value(QLatin1String(name)));
}

void ViewerView::open(client::GenerationListModel *model, const QString &generationId, const QString &outputId)
{
    for (const QMetaObject::Connection &c : std::as_const(m_modelConnections))
        disconnect(c);
    m_modelConnections.clear();
    m_model = model;
    m_walker.setModel(model);
    if (model) {
        m_modelConnections << connect(model, &QAbstractItemModel::rowsRemoved, this, &ViewerView::modelRowsChanged)
                           << connect(model, &QAbstractItemModel::modelReset, this, &ViewerView::modelRowsChanged)
                           << connect(model, &QAbstractItemModel::dataChanged, this, [this] {
                                  refreshDetails();
                                  updateActions();
                              });
    }
    disconnect(m_thumbConnection);
    disconnect(m_failConnection);
    m_copyWhenLoaded.clear();
    if (client::ThumbnailCache *thumbs = thumbnails()) {
        m_thumbConnection = connect(thumbs, &client::ThumbnailCache::thumbnailReady, this, &ViewerView::thumbnailReady);
        m_failConnection = connect(thumbs, &client::ThumbnailCache::thumbnailFailed, this,
                                   [this](const QString &outputId, const QString &variant, const QString &reason) {
                                       if (variant == kFull && outputId == m_copyWhenLoaded) {
                                           m_copyWhenLoaded.clear();
                                           m_ctx->reportError(tr("The image was not copied: its full size could not be loaded."), reason);
                                       }
                                       // Only when nothing stands in: a thumbnail on screen beats an error.
                                       if (outputId == m_current.outputId && m_canvas->image().isNull())
                                           m_canvas->clear(tr("The image could not be loaded (%1).").arg(reason));
                                   });
    }
    m_modelNames.clear();
    if (m_ctx->workspace() && m_ctx->workspace()->isOpen()) {
        for (const ModelInfo &info : m_ctx->workspace()->cache().models())
            m_modelNames.insert(info.id, info.name);
    }
    if (QSettings().value(kZoomModeKey).toString() == QLatin1String("actual"))
        m_canvas->actualSize();
    else
        m_canvas->fitToWindow();
    refreshHidden();
    showPosition(m_walker.nearest({generationId, outputId}));
    m_canvas->setFocus();
}

void ViewerView::setThumbnailCache(client::ThumbnailCache *cache)
{
    m_cacheOverride = cache;
}

client::ThumbnailCache *ViewerView::thumbnails() const
{
    return m_cacheOverride ? m_cacheOverride.data() : m_ctx->thumbnails();
}

std::optional<Generation> ViewerView::currentGeneration() const
{
    if (!m_model || !m_current.isValid())
        return std::nullopt;
    return m_model->generationAt(m_model->rowOf(m_current.generationId));
}

std::optional<Output> ViewerView::currentOutput() const
{
    const std::optional<Generation> g = currentGeneration();
    if (!g || !g->outputs)
        return std::nullopt;
    for (const Output &o : *g->outputs) {
        if (o.id == m_current.outputId)
            return o;
    }
    return std::nullopt;
}

void ViewerView::showPosition(const OutputPosition &position)
{
    m_current = position;
    if (m_model && position.isValid())
        m_lastRow = m_model->rowOf(position.generationId);
    showImage();
    refreshDetails();
    updateActions();
}

QSize ViewerView::fullSizeOf(const std::optional<Output> &output, const QImage &stand) const
{
    if (output && output->width && output->height)
        return QSize(int(*output->width), int(*output->height));
    return stand.size();
}

void ViewerView::showImage()
{
    if (!m_current.isValid()) {
        m_canvas->clear(tr("No image here any more."));
        return;
    }
    client::ThumbnailCache *thumbs = thumbnails();
    const QImage full = thumbs ? thumbs->cached(m_current.outputId, kFull) : QImage();
    const std::optional<Output> output = currentOutput();
    const bool actual = !m_canvas->isFit();
    if (!full.isNull()) {
        m_canvas->setImage(full);
    } else {
        const QImage thumb = thumbs ? thumbs->cached(m_current.outputId) : QImage();
        if (!thumb.isNull())
            m_canvas->setImage(thumb, fullSizeOf(output, thumb));
        else
            m_canvas->clear(tr("Loading…"));
        if (thumbs) {
            if (thumb.isNull())
                thumbs->request(m_current.outputId);
            thumbs->request(m_current.outputId, kFull);
        }
    }
    if (actual)
        m_canvas->actualSize();
}

void ViewerView::thumbnailReady(const QString &outputId, const QString &variant, const QImage &image)
{
    if (variant == kFull && outputId == m_copyWhenLoaded) {
        m_copyWhenLoaded.clear();
        QGuiApplication::clipboard()->setImage(image);
        m_ctx->reportInfo(tr("Image copied."));
    }
    if (outputId != m_current.outputId)
        return;
    if (variant == kFull)
        m_canvas->setImage(image, {}, true);
    else if (m_canvas->image().isNull())
        m_canvas->setImage(image, fullSizeOf(currentOutput(), image), true);
}

void ViewerView::refreshDetails()
{
    const std::optional<Generation> g = currentGeneration();
    if (!g) {
        m_metadata->clear();
        return;
    }
    m_metadata->showGeneration(*g, m_current.outputId, m_modelNames.value(g->modelId));
}

void ViewerView::updateActions()
{
    const bool has = m_current.isValid() && currentGeneration().has_value();
    for (const char *name : {"star", "reusePrompt", "reuseAll", "useAsReference", "copy", "saveAs", "delete"})
        m_actions.value(QLatin1String(name))->setEnabled(has);
    const std::optional<Output> output = currentOutput();
    if (output && m_localStars.value(output->id, !output->isStarred) == output->isStarred)
        m_localStars.remove(output->id); // the cache caught up with the star queued here
    const bool starred = output && m_localStars.value(output->id, output->isStarred);
    QAction *star = m_actions.value(QStringLiteral("star"));
    star->setChecked(starred);
    star->setText(starred ? tr("★ Starred") : tr("☆ Star"));
    m_actions.value(QStringLiteral("previous"))->setEnabled(m_walker.previous(m_current).isValid());
    m_actions.value(QStringLiteral("next"))->setEnabled(m_walker.next(m_current).isValid());
    m_actions.value(QStringLiteral("undo"))->setEnabled(!m_deletes->order().isEmpty());
}

void ViewerView::step(int direction)
{
    const OutputPosition to = direction > 0 ? m_walker.next(m_current) : m_walker.previous(m_current);
    if (to.isValid())
        showPosition(to);
}

void ViewerView::modelRowsChanged()
{
    if (!m_model)
        return;
    if (m_current.isValid() && m_model->rowOfOutput(m_current.outputId) >= 0)
        return updateActions();
    // The row went away (deleted elsewhere, a new search): show what now stands where it was.
    const int row = std::min(m_lastRow, m_model->rowCount() - 1);
    OutputPosition at;
    for (int r = std::max(row, 0); r < m_model->rowCount() && !at.isValid(); ++r) {
        const QStringList outputs = m_walker.outputsAt(r);
        if (!outputs.isEmpty())
            at = m_walker.nearest({m_model->data(m_model->index(r), client::GenerationListModel::IdRole).toString(), outputs.first()});
    }
    showPosition(at);
}

void ViewerView::refreshHidden()
{
    m_walker.setHidden(m_deletes->pendingIds() | m_committed);
}

void ViewerView::toggleStar()
{
    const std::optional<Output> output = currentOutput();
    client::Workspace *ws = m_ctx->workspace();
    if (!output || !ws || !ws->isOpen())
        return updateActions();
    const QString rev = output->rev ? QString::number(*output->rev) : QString();
    const bool starred = m_localStars.value(output->id, output->isStarred);
    const client::OutboxWrite write = ws->outbox().setStarred(output->id, !starred, rev);
    if (!write.ok())
        return m_ctx->reportError(tr("The star could not be saved."), write.error);
    m_localStars.insert(output->id, !starred); // shown at once; the sync confirms it
    m_ctx->submitWrites();
    updateActions();
}

void ViewerView::deleteCurrent()
{
    const std::optional<Output> output = currentOutput();
    if (!output)
        return;
    const QString rev = output->rev ? QString::number(*output->rev) : QString();
    const QString id = output->id;
    QPointer<UiContext> ctx = m_ctx;
    QPointer<client::Workspace> workspace = m_ctx->workspace();
    m_deletedFrom.insert(id, m_current.generationId);
    m_deletes->schedule(id, [ctx, workspace, id, rev] {
        if (!ctx || !workspace || workspace != ctx->workspace())
            return; // the account changed meanwhile: nothing to delete from
        const client::OutboxWrite write = workspace->outbox().remove(QStringLiteral("output"), id, rev);
        if (!write.ok())
            return ctx->reportError(QObject::tr("The image could not be deleted."), write.error);
        ctx->submitWrites();
    });
    refreshHidden();
    const OutputPosition from = m_current;
    showPosition(m_walker.nearest(from));
    m_toast->showMessage(tr("Deleted — Undo (%1)").arg(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)),
                         m_deletes->gracePeriodMs());
}

void ViewerView::undoDelete()
{
    const QString id = m_deletes->undoLast();
    if (id.isEmpty())
        return;
    m_toast->hide();
    refreshHidden();
    showPosition(m_walker.nearest({m_deletedFrom.take(id), id}));
}

void ViewerView::copyImage()
{
    if (!m_current.isValid())
        return;
    // Never the thumbnail in the full image's place: a pasted preview would pass for the picture.
    client::ThumbnailCache *thumbs = thumbnails();
    const QImage full = thumbs ? thumbs->cached(m_current.outputId, kFull) : QImage();
    if (!full.isNull()) {
        m_copyWhenLoaded.clear();
        QGuiApplication::clipboard()->setImage(full);
        m_ctx->reportInfo(tr("Image copied."));
        return;
    }
    if (!thumbs)
        return m_ctx->report(UiContext::Severity::Warning, tr("The image has not loaded yet; copy it again in a moment."));
    m_copyWhenLoaded = m_current.outputId; // copied by thumbnailReady, or an error by thumbnailFailed
    thumbs->request(m_current.outputId, kFull);
    m_ctx->reportInfo(tr("The full image is loading; it will be copied as soon as it is in."));
}

void ViewerView::saveAs()
{
    if (!m_current.isValid())
        return;
    QSettings settings;
    const QString dir = settings.value(QStringLiteral("viewer/saveDir"),
                                       QStandardPaths::writableLocation(QStandardPaths::PicturesLocation)).toString();
    const QString suggested = QDir(dir).filePath(QStringLiteral("vesper-%1.png").arg(m_current.outputId.left(8)));
    const QString path = QFileDialog::getSaveFileName(this, tr("Save image as"), suggested,
                                                      tr("Images (*.png *.jpg *.jpeg *.webp)"));
    if (path.isEmpty())
        return;
    settings.setValue(QStringLiteral("viewer/saveDir"), QFileInfo(path).absolutePath());
    saveTo(path);
}

void ViewerView::saveTo(const QString &path)
{
    client::Workspace *ws = m_ctx->workspace();
    if (!ws || !ws->isOpen() || !m_current.isValid())
        return;
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const QString error = watcher->result();
        if (!error.isEmpty()) {
            m_ctx->reportError(tr("The image was not saved."), error);
            Q_EMIT saveFailed(error);
            return;
        }
        m_ctx->reportInfo(tr("Saved %1.").arg(QDir::toNativeSeparators(path)));
        Q_EMIT saved(path);
    });
    client::ApiClient *api = &ws->api();
    const QString id = m_current.outputId;
    watcher->setFuture(QtConcurrent::run([api, id, path] { return outputfiles::saveFullImage(*api, id, path); }));
}

void ViewerView::startDragOut()
{
    if (!m_current.isValid())
        return;
    // The file dropped must be the picture itself, not the thumbnail standing in for it.
    client::ThumbnailCache *thumbs = thumbnails();
    const QImage image = thumbs ? thumbs->cached(m_current.outputId, kFull) : QImage();
    if (image.isNull()) {
        if (thumbs)
            thumbs->request(m_current.outputId, kFull);
        return m_ctx->report(UiContext::Severity::Info, tr("The full image is still loading; drag it out again in a moment."));
    }
    if (!m_dragDir)
        m_dragDir = std::make_unique<QTemporaryDir>();
    const QString path = outputfiles::writeDragFile(image, m_dragDir->path(), m_current.outputId);
    if (path.isEmpty())
        return;
    auto *mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(path)});
    auto *drag = new QDrag(this);
    drag->setMimeData(mime);
    const qreal dpr = devicePixelRatioF();
    QPixmap preview = QPixmap::fromImage(image.scaled(QSize(96, 96) * dpr, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    preview.setDevicePixelRatio(dpr);
    drag->setPixmap(preview);
    drag->exec(Qt::CopyAction);
}

} // namespace vesper::ui
