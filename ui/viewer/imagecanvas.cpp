#include "ui/viewer/imagecanvas.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <cmath>

namespace vesper::ui {

namespace {
constexpr qreal kMinZoom = 0.02; // image pixels per device pixel
constexpr qreal kMaxZoom = 32.0;
constexpr qreal kStep = 1.25;
} // namespace

ImageCanvas::ImageCanvas(QWidget *parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(false);
    setMinimumSize(200, 150);
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void ImageCanvas::setImage(const QImage &image, const QSize &logicalSize, bool keepView)
{
    m_image = image;
    m_text.clear();
    const QSize before = m_logicalSize;
    m_logicalSize = logicalSize.isEmpty() ? image.size() : logicalSize;
    if (!keepView || before != m_logicalSize) {
        if (m_fit) {
            m_scale = fitScale();
        }
        // A new picture at a chosen zoom is centred; clampOffset centres what is smaller than the view.
        m_offset = QPointF((width() - scaledSize().width()) / 2.0, (height() - scaledSize().height()) / 2.0);
    }
    clampOffset();
    update();
}

void ImageCanvas::clear(const QString &text)
{
    m_image = {};
    m_logicalSize = {};
    m_text = text;
    update();
}

qreal ImageCanvas::zoom() const
{
    return m_scale * devicePixelRatioF();
}

qreal ImageCanvas::fitScale() const
{
    if (m_logicalSize.isEmpty() || width() <= 0 || height() <= 0)
        return 1.0;
    const qreal s = std::min(width() / qreal(m_logicalSize.width()), height() / qreal(m_logicalSize.height()));
    return std::min(s, 1.0 / devicePixelRatioF()); // fit never enlarges beyond 100 %
}

QSizeF ImageCanvas::scaledSize() const
{
    return QSizeF(m_logicalSize) * m_scale;
}

void ImageCanvas::fitToWindow()
{
    m_fit = true;
    m_scale = fitScale();
    clampOffset();
    update();
    Q_EMIT zoomChanged(zoom(), true);
}

void ImageCanvas::actualSize()
{
    setScale(1.0 / devicePixelRatioF(), rect().center());
}

void ImageCanvas::zoomIn()
{
    zoomBy(kStep, rect().center());
}

void ImageCanvas::zoomOut()
{
    zoomBy(1.0 / kStep, rect().center());
}

void ImageCanvas::zoomBy(qreal factor, const QPointF &anchor)
{
    setScale(m_scale * factor, anchor);
}

void ImageCanvas::setScale(qreal scale, const QPointF &anchor)
{
    const qreal dpr = devicePixelRatioF();
    scale = std::clamp(scale, kMinZoom / dpr, kMaxZoom / dpr);
    // The image point under the anchor stays under it.
    m_offset = anchor - (anchor - m_offset) * (scale / m_scale);
    m_scale = scale;
    m_fit = false;
    clampOffset();
    update();
    Q_EMIT zoomChanged(zoom(), false);
}

void ImageCanvas::clampOffset()
{
    const QSizeF s = scaledSize();
    if (s.width() <= width())
        m_offset.setX((width() - s.width()) / 2.0);
    else
        m_offset.setX(std::clamp(m_offset.x(), width() - s.width(), 0.0));
    if (s.height() <= height())
        m_offset.setY((height() - s.height()) / 2.0);
    else
        m_offset.setY(std::clamp(m_offset.y(), height() - s.height(), 0.0));
}

bool ImageCanvas::canPan() const
{
    const QSizeF s = scaledSize();
    return s.width() > width() + 0.5 || s.height() > height() + 0.5;
}

void ImageCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window).darker(115));
    if (m_image.isNull()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, m_text);
        return;
    }
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    p.drawImage(QRectF(m_offset, scaledSize()), m_image);
}

void ImageCanvas::resizeEvent(QResizeEvent *)
{
    if (m_fit)
        m_scale = fitScale();
    clampOffset();
}

void ImageCanvas::wheelEvent(QWheelEvent *event)
{
    if (m_image.isNull())
        return;
    const qreal steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        event->ignore();
        return;
    }
    zoomBy(std::pow(kStep, steps), event->position());
    event->accept();
}

void ImageCanvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QWidget::mousePressEvent(event);
    m_pressed = true;
    m_dragOutStarted = false;
    m_pressPos = event->position();
    m_pressOffset = m_offset;
    if (canPan())
        setCursor(Qt::ClosedHandCursor);
}

void ImageCanvas::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_pressed || m_image.isNull())
        return;
    const QPointF delta = event->position() - m_pressPos;
    if (canPan()) {
        m_offset = m_pressOffset + delta;
        clampOffset();
        update();
    } else if (!m_dragOutStarted && delta.manhattanLength() >= QApplication::startDragDistance()) {
        m_dragOutStarted = true;
        m_pressed = false;
        Q_EMIT dragOutRequested();
    }
}

void ImageCanvas::mouseReleaseEvent(QMouseEvent *)
{
    m_pressed = false;
    unsetCursor();
}

} // namespace vesper::ui
