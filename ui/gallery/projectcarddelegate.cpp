#include "ui/gallery/projectcarddelegate.h"

#include "client/models/projectlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "ui/gallery/cardpainter.h"

#include <QAbstractItemView>
#include <QPainter>

namespace vesper::ui {

namespace {
constexpr int Padding = 8;
using Model = client::ProjectListModel;
} // namespace

ProjectCardDelegate::ProjectCardDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void ProjectCardDelegate::setCache(client::ThumbnailCache *cache)
{
    m_cache = cache;
}

int ProjectCardDelegate::textHeight(const QFont &font)
{
    const QFontMetrics fm(font);
    return 2 * fm.height() + 6;
}

QSize ProjectCardDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    // Every cell is the grid's cell: the view sets the grid size from the thumbnail size.
    if (const auto *view = qobject_cast<const QAbstractItemView *>(option.widget); view && view->iconSize().isValid())
        return QSize(view->iconSize().width() + 2 * Padding, view->iconSize().height() + 2 * Padding + textHeight(option.font));
    return QSize(200 + 2 * Padding, 200 + 2 * Padding + textHeight(option.font));
}

void ProjectCardDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    const QRect card = option.rect;
    cards::drawCardFrame(painter, card, palette, selected, hovered);

    const int edge = card.width() - 2 * Padding;
    const QRect picture(card.x() + Padding, card.y() + Padding, edge, edge);
    const QString outputId = index.data(Model::ThumbnailOutputIdRole).toString();
    const QImage image = (m_cache && !outputId.isEmpty()) ? m_cache->cached(outputId) : QImage();
    if (image.isNull()) {
        cards::drawPlaceholder(painter, picture, palette);
        if (outputId.isEmpty()) {
            painter->save();
            painter->setPen(palette.color(QPalette::PlaceholderText));
            painter->drawText(picture, Qt::AlignCenter | Qt::TextWordWrap, tr("No images yet"));
            painter->restore();
        }
    } else {
        cards::drawPicture(painter, picture, image, outputId);
    }

    painter->save();
    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.9);
    painter->setFont(small);
    QPoint badgeAt(picture.x() + 6, picture.y() + 6);
    QColor badgeBack = palette.color(QPalette::Window);
    badgeBack.setAlphaF(0.85f);
    if (index.data(Model::IsSharedRole).toBool())
        badgeAt.rx() = cards::drawBadge(painter, badgeAt, tr("Shared"), badgeBack, palette.color(QPalette::WindowText)).right() + 4;
    if (index.data(Model::IsPendingRole).toBool())
        cards::drawBadge(painter, badgeAt, tr("Waiting to send"), badgeBack, palette.color(QPalette::PlaceholderText));
    painter->restore();

    painter->save();
    const QFontMetrics fm(option.font);
    const QRect nameRect(picture.x() + 2, picture.bottom() + 6, edge - 4, fm.height());
    QFont bold = option.font;
    bold.setWeight(QFont::DemiBold);
    painter->setFont(bold);
    painter->setPen(palette.color(selected ? QPalette::Text : QPalette::Text));
    painter->drawText(nameRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(index.data(Model::NameRole).toString(), Qt::ElideRight, nameRect.width()));
    painter->setFont(option.font);
    painter->setPen(palette.color(QPalette::PlaceholderText));
    const qint64 sessions = index.data(Model::SessionCountRole).toLongLong();
    const QString count = sessions == 1 ? tr("1 session") : tr("%1 sessions").arg(sessions);
    const QString detail = index.data(Model::OwnerNameRole).toString() + QStringLiteral(" · ") + count;
    const QRect detailRect = nameRect.translated(0, fm.height() + 2);
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter, fm.elidedText(detail, Qt::ElideRight, detailRect.width()));
    painter->restore();
}

} // namespace vesper::ui
