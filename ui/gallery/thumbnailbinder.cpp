#include "ui/gallery/thumbnailbinder.h"

#include "client/thumbnails/thumbnailcache.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QListView>
#include <QScrollBar>

namespace vesper::ui {

ThumbnailBinder::ThumbnailBinder(QAbstractItemView *view, OutputIdsOf outputIdsOf, QObject *parent)
    : QObject(parent)
    , m_view(view)
    , m_outputIdsOf(std::move(outputIdsOf))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(0); // coalesces a burst of scroll events into one bind per event-loop turn
    connect(&m_debounce, &QTimer::timeout, this, &ThumbnailBinder::bindNow);
    connect(view->verticalScrollBar(), &QScrollBar::valueChanged, this, &ThumbnailBinder::scheduleBind);
    connect(view->verticalScrollBar(), &QScrollBar::rangeChanged, this, &ThumbnailBinder::scheduleBind);
    view->viewport()->installEventFilter(this);
    watchModel();
}

void ThumbnailBinder::setCache(client::ThumbnailCache *cache)
{
    if (m_cache == cache)
        return;
    disconnect(m_readyConnection);
    m_cache = cache;
    if (m_cache) {
        m_readyConnection = connect(m_cache, &client::ThumbnailCache::thumbnailReady, this,
                                    [this](const QString &outputId, const QString &, const QImage &) { thumbnailReady(outputId); });
    }
    scheduleBind();
}

void ThumbnailBinder::scheduleBind()
{
    if (m_watchedModel != m_view->model())
        watchModel();
    m_debounce.start();
}

void ThumbnailBinder::watchModel()
{
    if (m_watchedModel)
        disconnect(m_watchedModel, nullptr, this, nullptr);
    QAbstractItemModel *model = m_view->model();
    m_watchedModel = model;
    if (!model)
        return;
    connect(model, &QAbstractItemModel::rowsInserted, this, &ThumbnailBinder::scheduleBind);
    connect(model, &QAbstractItemModel::rowsRemoved, this, &ThumbnailBinder::scheduleBind);
    connect(model, &QAbstractItemModel::modelReset, this, &ThumbnailBinder::scheduleBind);
    connect(model, &QAbstractItemModel::layoutChanged, this, &ThumbnailBinder::scheduleBind);
    connect(model, &QAbstractItemModel::dataChanged, this, &ThumbnailBinder::scheduleBind);
}

bool ThumbnailBinder::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        scheduleBind();
    return QObject::eventFilter(watched, event);
}

void ThumbnailBinder::bindNow()
{
    if (m_watchedModel != m_view->model())
        watchModel();
    m_visible.clear();
    m_visibleOrder.clear();
    m_first = m_last = -1;
    QAbstractItemModel *model = m_view->model();
    const QRect area = m_view->viewport()->rect();
    if (!model || area.isEmpty() || !m_view->isVisible() || model->rowCount() == 0) {
        if (m_cache)
            m_cache->setWanted({});
        Q_EMIT bound(0);
        return;
    }
    // The corners: the first card at the top-left, the last at the bottom-right (or the model's end
    // when the last line is short). Cells may have gaps between them, so probe a few points.
    const auto *list = qobject_cast<const QListView *>(m_view);
    const QSize cell = list && list->gridSize().isValid() ? list->gridSize() : QSize(64, 64);
    QModelIndex first;
    for (int y = 1; y < qMin(area.height(), cell.height() + 1) && !first.isValid(); y += 4) {
        for (int x = 1; x < qMin(area.width(), cell.width() + 1) && !first.isValid(); x += cell.width() / 4 + 1)
            first = m_view->indexAt(QPoint(x, y));
    }
    if (!first.isValid())
        first = model->index(0, 0);
    QModelIndex last = m_view->indexAt(QPoint(area.right() - 1, area.bottom() - 1));
    for (int y = area.bottom() - 1; !last.isValid() && y > area.bottom() - cell.height() && y > 0; y -= 4) {
        for (int x = area.right() - 1; x > 0 && !last.isValid(); x -= cell.width() / 2 + 1)
            last = m_view->indexAt(QPoint(x, y));
    }
    if (!last.isValid() || last.row() < first.row()) {
        // Past the end of the content: everything from first on fits on screen.
        const int columns = qMax(1, area.width() / qMax(1, cell.width()));
        const int lines = area.height() / qMax(1, cell.height()) + 2;
        last = model->index(qMin(model->rowCount() - 1, first.row() + columns * lines - 1), 0);
    }
    m_first = first.row();
    m_last = last.row();

    QSet<QString> wanted;
    for (int row = m_first; row <= m_last; ++row) {
        const QModelIndex index = model->index(row, 0);
        for (const QString &id : m_outputIdsOf(index)) {
            if (id.isEmpty() || wanted.contains(id))
                continue;
            wanted.insert(id);
            m_visible.insert(id, index);
            m_visibleOrder << id;
        }
    }
    int requested = 0;
    if (m_cache) {
        m_cache->setWanted(wanted);
        // The cache serves the newest request first: ask bottom-right first so the top-left loads first.
        for (auto it = m_visibleOrder.crbegin(); it != m_visibleOrder.crend(); ++it) {
            if (m_cache->cached(*it).isNull()) {
                m_cache->request(*it);
                ++requested;
            }
        }
    }
    Q_EMIT bound(requested);
}

void ThumbnailBinder::thumbnailReady(const QString &outputId)
{
    const QPersistentModelIndex index = m_visible.value(outputId);
    if (index.isValid())
        m_view->update(index);
}

} // namespace vesper::ui
