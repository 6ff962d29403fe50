#pragma once
// Space on a session gallery card: its picture large over the gallery, without leaving the page
// (UI.md, "Keyboard first"). The thumbnail shows at once and the full image replaces it when it
// arrives (the thumbnail cache's "full" variant, as the viewer loads it). Space or Esc closes it and
// gives the grid its focus back; the arrow keys move the grid's current card and the look follows.
//
//     QuickLook look(grid);                       // covers the grid
//     look.setCache(thumbnails);
//     look.showOutput(outputId, caption);         // Space on a card
#include <QImage>
#include <QPointer>
#include <QWidget>

namespace vesper::client {
class ThumbnailCache;
}

namespace vesper::ui {

class QuickLook : public QWidget {
    Q_OBJECT
public:
    explicit QuickLook(QWidget *parent);

    void setCache(client::ThumbnailCache *cache);
    /// Shows outputId's picture (empty: the card has none yet) with a caption line, and takes focus.
    void showOutput(const QString &outputId, const QString &caption);
    QString outputId() const { return m_outputId; }
    /// Whether the full image (not the thumbnail) is on show.
    bool showsFullImage() const { return m_full; }
    QImage image() const { return m_image; }

Q_SIGNALS:
    /// An arrow key: the grid moves its current card (the key event is handed over).
    void moveRequested(int key);
    void closed();

protected:
    bool event(QEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    void imageReady(const QString &outputId, const QString &variant, const QImage &image);
    void close();

    QPointer<client::ThumbnailCache> m_cache;
    QMetaObject::Connection m_ready;
    QString m_outputId;
    QString m_caption;
    QImage m_image;
    bool m_full = false;
};

} // namespace vesper::ui
