#pragma once
// The viewer's picture: fit to the window or at a chosen zoom (100 % = one image pixel per device
// pixel), zoomed around the cursor with the wheel and panned by dragging, always smoothly scaled.
// A thumbnail can stand in for the full image at the full image's size, so nothing jumps when the
// full one arrives. When the picture fits (nothing to pan), a drag asks to drag the file out instead.
#include <QImage>
#include <QPointF>
#include <QWidget>

namespace vesper::ui {

class ImageCanvas : public QWidget {
    Q_OBJECT
public:
    explicit ImageCanvas(QWidget *parent = nullptr);

    /// Shows image as a picture of size logicalSize (in image pixels; empty: the image's own size).
    /// keepView: the same picture in better quality (the zoom and pan stay).
    void setImage(const QImage &image, const QSize &logicalSize = {}, bool keepView = false);
    /// No picture; text is shown in its place.
    void clear(const QString &text);
    QImage image() const { return m_image; }
    /// The placeholder text shown (empty while a picture is shown).
    QString text() const { return m_text; }

    void fitToWindow();
    /// 100 %: one image pixel per device pixel.
    void actualSize();
    void zoomIn();
    void zoomOut();
    /// Multiplies the zoom by factor keeping the image point under anchor (widget coordinates) still.
    void zoomBy(qreal factor, const QPointF &anchor);
    bool isFit() const { return m_fit; }
    /// Image pixels per device pixel: 1.0 at 100 %.
    qreal zoom() const;

Q_SIGNALS:
    void zoomChanged(qreal zoom, bool fit);
    /// A drag started on a picture with nothing to pan: the viewer drags the file out.
    void dragOutRequested();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;

private:
    QSizeF scaledSize() const;
    qreal fitScale() const;
    void setScale(qreal scale, const QPointF &anchor);
    void clampOffset();
    bool canPan() const;

    QImage m_image;
    QSize m_logicalSize;
    QString m_text;
    bool m_fit = true;
    qreal m_scale = 1.0;     // widget (logical) pixels per image pixel
    QPointF m_offset;        // where the image's top-left is drawn
    QPointF m_pressPos;
    QPointF m_pressOffset;
    bool m_pressed = false;
    bool m_dragOutStarted = false;
};

} // namespace vesper::ui
