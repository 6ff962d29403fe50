#pragma once
// Paints one generation card: its outputs' pictures (the first large, the others in a small strip)
// over neutral placeholders of the generation's aspect ratio so nothing jumps when they arrive, a
// compact line with the prompt, model and status, progress on running cards ("≈" when estimated),
// the reason on failed ones, a "waiting to send" mark on ones queued offline, and on hover a Cancel
// (running) or Retry (failed) button whose clicks are handled here and reported as signals.
#include "client/thumbnails/thumbnailcache.h"

#include <QCache>
#include <QFont>
#include <QPointer>
#include <QStaticText>
#include <QStyledItemDelegate>

namespace vesper::ui {

class GenerationCardDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit GenerationCardDelegate(QObject *parent = nullptr);

    void setCache(client::ThumbnailCache *cache);
    /// Height of the compact line below the picture, for the grid's cells.
    static int textHeight(const QFont &font);
    /// Where the hover button of a card is drawn (empty when the card has none).
    QRect buttonRect(const QStyleOptionViewItem &option, const QModelIndex &index) const;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

Q_SIGNALS:
    void cancelRequested(const QString &generationId);
    void retryRequested(const QString &generationId);

private:
    void paintPictures(QPainter *painter, const QRect &box, const QStyleOptionViewItem &option, const QModelIndex &index) const;
    void paintState(QPainter *painter, const QRect &picture, const QStyleOptionViewItem &option, const QModelIndex &index) const;
    void paintLine(QPainter *painter, const QRect &line, const QStyleOptionViewItem &option, const QModelIndex &index) const;
    /// A card's line laid out once (eliding and shaping a prompt was a third of a frame at 100k):
    /// reused while its text, width, font and dot stay the same.
    struct LaidOutLine {
        QString prompt;
        QString model;
        QFont font;
        int width = 0;
        bool dot = false;
        QStaticText left;
        QStaticText right;
        int rightWidth = 0;
    };
    QPointer<client::ThumbnailCache> m_cache;
    mutable QCache<QString, LaidOutLine> m_lines{600}; // by generation id: ~20 screens (~3 KB each)
};

} // namespace vesper::ui
