#pragma once
// The card grid both galleries use: a QListView in icon mode whose cells follow a thumbnail-size
// setting, that keeps the user's place when rows arrive, leave or move above the viewport (anchoring the
// selected or top-visible card at its pixel offset), shows a "New images ↑" pill when new rows arrived
// out of sight at the top, and paints a teaching text while the model is empty.
#include <QListView>
#include <QPersistentModelIndex>

class QToolButton;

namespace vesper::ui {

class GalleryGrid : public QListView {
    Q_OBJECT
public:
    explicit GalleryGrid(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;

    /// The picture's edge in device-independent pixels (clamped to 96..512); the cell follows.
    void setThumbnailSize(int px);
    int thumbnailSize() const { return m_thumbnailSize; }
    /// Extra height below the picture for the card's text lines.
    void setTextHeight(int px);
    /// The text shown centred while the model has no rows (two lines: a title and a hint).
    void setEmptyText(const QString &title, const QString &hint);
    QString emptyTitle() const { return m_emptyTitle; }
    QString emptyHint() const { return m_emptyHint; }
    /// Text for the pill shown when rows arrive at the top out of sight.
    void setPillText(const QString &text);
    bool isPillVisible() const;

Q_SIGNALS:
    void thumbnailSizeChanged(int px);
    /// Enter/Return on the current card.
    void activatedByKey(const QModelIndex &index);
    /// Space on the current card.
    void quickLookRequested(const QModelIndex &index);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void rowsInserted(const QModelIndex &parent, int start, int end) override;
    void rowsAboutToBeRemoved(const QModelIndex &parent, int start, int end) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    /// Remembers the card the user looks at and its offset; rows skipFirst..skipLast are not chosen.
    void recordAnchor(int skipFirst = -1, int skipLast = -2);
    void restoreAnchor();
    void updateCellSize();
    void placePill();
    int m_thumbnailSize = 200;
    int m_textHeight = 0;
    QString m_emptyTitle;
    QString m_emptyHint;
    QToolButton *m_pill = nullptr;
    QPersistentModelIndex m_anchor;
    int m_anchorOffset = 0;
    bool m_anchored = false;
    bool m_insertingAtTop = false;
};

} // namespace vesper::ui
