#pragma once
// Paints one project card: its latest picture filling the card (a neutral placeholder while it
// loads or when the project has no image yet), the name, owner and session count below, a "Shared"
// badge and a mark for a project made offline that the server has not confirmed yet.
#include "client/thumbnails/thumbnailcache.h"

#include <QPointer>
#include <QStyledItemDelegate>

namespace vesper::ui {

class ProjectCardDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ProjectCardDelegate(QObject *parent = nullptr);

    void setCache(client::ThumbnailCache *cache);
    /// Height of the text below the picture, for the grid's cells.
    static int textHeight(const QFont &font);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    QPointer<client::ThumbnailCache> m_cache;
};

} // namespace vesper::ui
