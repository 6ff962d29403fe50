#include "ui/gallery/gallerygrid.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolButton>

namespace vesper::ui {

namespace {
constexpr int CellPadding = 8; // around the picture, inside the cell
}

GalleryGrid::GalleryGrid(QWidget *parent) : QListView(parent)
{
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setFlow(QListView::LeftToRight);
    setWrapping(true);
    setUniformItemSizes(true);
    // Single pass: the anchor's rect must be known right after rows arrive (2,000 cells lay out in ~1 ms).
    setLayoutMode(QListView::SinglePass);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_Hover);
    setFrameShape(QFrame::NoFrame);
    setSpacing(0);

    m_pill = new QToolButton(this);
    m_pill->setText(tr("New images ↑"));
    m_pill->setCursor(Qt::PointingHandCursor);
    m_pill->setAutoRaise(false);
    m_pill->hide();
    connect(m_pill, &QToolButton::clicked, this, [this] {
        m_pill->hide();
        scrollToTop();
    });
    updateCellSize();
}

void GalleryGrid::setModel(QAbstractItemModel *newModel)
{
    if (model())
        disconnect(model(), nullptr, this, nullptr);
    // Connected before QListView's own handlers: the anchor is read while the old layout still stands.
    if (newModel) {
        connect(newModel, &QAbstractItemModel::rowsAboutToBeInserted, this,
                [this](const QModelIndex &, int start, int) {
                    m_insertingAtTop = start == 0;
                    // Rows appended at the end (a page fetched while scrolling) move no card: no
                    // anchor, so no forced layout of every row on each page.
                    if (start < model()->rowCount())
                        recordAnchor();
                    else
                        m_anchored = false;
                });
        connect(newModel, &QAbstractItemModel::rowsRemoved, this, [this] { restoreAnchor(); });
        // A row moving (an updated project going to the top) shifts every card between its old and
        // new place: anchor on a card that stays, not on the one that moves.
        connect(newModel, &QAbstractItemModel::rowsAboutToBeMoved, this,
                [this](const QModelIndex &, int start, int end) { recordAnchor(start, end); });
        connect(newModel, &QAbstractItemModel::modelReset, this, [this] {
            m_anchored = false;
            m_pill->hide();
        });
    }
    QListView::setModel(newModel);
    // After QListView's own handler (which only schedules a layout): restoreAnchor lays out now.
    if (newModel)
        connect(newModel, &QAbstractItemModel::rowsMoved, this, [this] { restoreAnchor(); });
}

void GalleryGrid::setThumbnailSize(int px)
{
    px = qBound(96, px, 512);
    if (px == m_thumbnailSize)
        return;
    recordAnchor();
    m_thumbnailSize = px;
    updateCellSize();
    restoreAnchor();
    Q_EMIT thumbnailSizeChanged(px);
}

void GalleryGrid::setTextHeight(int px)
{
    m_textHeight = px;
    updateCellSize();
}

void GalleryGrid::setEmptyText(const QString &title, const QString &hint)
{
    m_emptyTitle = title;
    m_emptyHint = hint;
    viewport()->update();
}

void GalleryGrid::setPillText(const QString &text)
{
    m_pill->setText(text);
    placePill();
}

bool GalleryGrid::isPillVisible() const
{
    return m_pill->isVisible();
}

void GalleryGrid::updateCellSize()
{
    const QSize cell(m_thumbnailSize + 2 * CellPadding, m_thumbnailSize + 2 * CellPadding + m_textHeight);
    setGridSize(cell);
    setIconSize(QSize(m_thumbnailSize, m_thumbnailSize));
}

void GalleryGrid::recordAnchor(int skipFirst, int skipLast)
{
    m_anchored = false;
    if (!model() || verticalScrollBar()->value() == 0)
        return; // at the top: new rows simply appear
    executeDelayedItemsLayout();
    // The card the user is looking at: the current one when on screen, else the top-left one.
    // Rows skipFirst..skipLast are about to move: they cannot be the anchor.
    const auto skipped = [skipFirst, skipLast](const QModelIndex &index) { return index.row() >= skipFirst && index.row() <= skipLast; };
    QModelIndex anchor = currentIndex();
    if (!anchor.isValid() || skipped(anchor) || !viewport()->rect().intersects(visualRect(anchor))) {
        anchor = QModelIndex();
        for (int y = 1; y < viewport()->height() && !anchor.isValid(); y += 4) {
            for (int x = CellPadding + 1; x < viewport()->width() && !anchor.isValid(); x += gridSize().width()) {
                const QModelIndex at = indexAt(QPoint(x, y));
                if (at.isValid() && !skipped(at))
                    anchor = at;
            }
        }
    }
    if (!anchor.isValid())
        return;
    m_anchor = anchor;
    m_anchorOffset = visualRect(anchor).top();
    m_anchored = true;
}

void GalleryGrid::restoreAnchor()
{
    if (!m_anchored)
        return;
    m_anchored = false;
    if (!m_anchor.isValid())
        return; // the anchored card itself went away: stay where we are
    // A full layout now: after a removal QListView's delayed one would still answer with stale rects.
    doItemsLayout();
    const int delta = visualRect(m_anchor).top() - m_anchorOffset;
    if (delta != 0)
        verticalScrollBar()->setValue(verticalScrollBar()->value() + delta);
}

void GalleryGrid::rowsInserted(const QModelIndex &parent, int start, int end)
{
    QListView::rowsInserted(parent, start, end);
    const bool away = m_anchored;
    restoreAnchor();
    if (m_insertingAtTop && away) {
        placePill();
        m_pill->show();
        m_pill->raise();
    }
    m_insertingAtTop = false;
}

void GalleryGrid::rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end)
{
    recordAnchor();
    QListView::rowsAboutToBeRemoved(parent, start, end);
}

void GalleryGrid::scrollContentsBy(int dx, int dy)
{
    QListView::scrollContentsBy(dx, dy);
    if (verticalScrollBar()->value() == 0)
        m_pill->hide();
}

void GalleryGrid::placePill()
{
    m_pill->adjustSize();
    const QRect area = viewport()->geometry();
    m_pill->move(area.x() + (area.width() - m_pill->width()) / 2, area.y() + 12);
}

void GalleryGrid::resizeEvent(QResizeEvent *event)
{
    QListView::resizeEvent(event);
    placePill();
}

void GalleryGrid::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentIndex().isValid()) {
        Q_EMIT activatedByKey(currentIndex());
        event->accept();
        return;
    }
    if (event->key() == Qt::Key_Space && event->modifiers() == Qt::NoModifier && currentIndex().isValid()) {
        Q_EMIT quickLookRequested(currentIndex());
        event->accept();
        return;
    }
    QListView::keyPressEvent(event);
}

void GalleryGrid::paintEvent(QPaintEvent *event)
{
    if (model() && model()->rowCount(rootIndex()) > 0) {
        QListView::paintEvent(event);
        return;
    }
    QPainter painter(viewport());
    const QRect area = viewport()->rect().adjusted(24, 24, -24, -24);
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    const QFontMetrics titleMetrics(titleFont);
    const QRect titleRect(area.x(), area.center().y() - titleMetrics.height(), area.width(), titleMetrics.height());
    painter.setFont(titleFont);
    painter.setPen(palette().color(QPalette::Text));
    painter.drawText(titleRect, Qt::AlignCenter, m_emptyTitle);
    painter.setFont(font());
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRect(area.x(), titleRect.bottom() + 8, area.width(), area.bottom() - titleRect.bottom() - 8),
                     Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap, m_emptyHint);
}

} // namespace vesper::ui
