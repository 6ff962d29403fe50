#pragma once
// Binds a grid's visible cards to the thumbnail cache, in the manner of Gwenview's thumbnail view:
// after a scroll, resize or model change (debounced by a short single-shot timer) it finds the rows
// on screen from the viewport's corners — never walking every row — tells the cache what is wanted
// (waiting requests for cards that scrolled away are dropped), requests the missing pictures top-left
// first, and repaints only the cell whose picture arrived.
#include <QHash>
#include <QObject>
#include <QPersistentModelIndex>
#include "client/thumbnails/thumbnailcache.h"

#include <QPointer>
#include <QStringList>
#include <QTimer>
#include <functional>

class QAbstractItemView;

namespace vesper::ui {

class ThumbnailBinder : public QObject {
    Q_OBJECT
public:
    /// Which output ids a card shows (a project's thumbnail, a generation's outputs).
    using OutputIdsOf = std::function<QStringList(const QModelIndex &index)>;

    ThumbnailBinder(QAbstractItemView *view, OutputIdsOf outputIdsOf, QObject *parent = nullptr);

    /// The cache to bind to (null: none; nothing is requested).
    void setCache(client::ThumbnailCache *cache);
    client::ThumbnailCache *cache() const { return m_cache; }
    /// Binds again soon (after the debounce); called on scroll, resize and model changes.
    void scheduleBind();
    /// Binds now: the rows on screen, their wanted outputs, requests for those not cached.
    void bindNow();

    /// The first and last row on screen after the last bind (-1 when none).
    int firstVisibleRow() const { return m_first; }
    int lastVisibleRow() const { return m_last; }
    /// Output ids on screen after the last bind, top-left first.
    QStringList visibleOutputIds() const { return m_visibleOrder; }

Q_SIGNALS:
    /// After each bind, for tests and diagnostics: how many requests it made.
    void bound(int requested);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void watchModel();
    void thumbnailReady(const QString &outputId);
    QAbstractItemView *m_view;
    OutputIdsOf m_outputIdsOf;
    QPointer<client::ThumbnailCache> m_cache;
    QPointer<QObject> m_watchedModel;
    QTimer m_debounce;
    QHash<QString, QPersistentModelIndex> m_visible; // output id -> the card showing it
    QStringList m_visibleOrder;
    QMetaObject::Connection m_readyConnection;
    int m_first = -1;
    int m_last = -1;
};

} // namespace vesper::ui
