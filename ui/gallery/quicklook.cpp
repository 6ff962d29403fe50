#include "ui/gallery/quicklook.h"

#include "client/thumbnails/thumbnailcache.h"

#include <QKeyEvent>
#include <QPainter>

namespace vesper::ui {
namespace {
const QString kFull = QStringLiteral("full");
constexpr int kMargin = 24;
} // namespace

QuickLook::QuickLook(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("quickLook"));
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent, false);
    if (parent)
        parent->installEventFilter(this); // to cover it as it resizes
    hide();
}

bool QuickLook::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void QuickLook::setCache(client::ThumbnailCache *cache)
{
    if (m_cache == cache)
        return;
    disconnect(m_ready);
    m_cache = cache;
    if (cache)
        m_ready = connect(cache, &client::ThumbnailCache::thumbnailReady, this, &QuickLook::imageReady);
}

void QuickLook::showOutput(const QString &outputId, const QString &caption)
{
    m_outputId = outputId;
    m_caption = caption;
    m_full = false;
    m_image = QImage();
    if (m_cache && !outputId.isEmpty()) {
        const QImage full = m_cache->cached(outputId, kFull);
        if (!full.isNull()) {
            m_image = full;
            m_full = true;
        } else {
            m_image = m_cache->cached(outputId);
            if (m_image.isNull())
                m_cache->request(outputId);
            m_cache->request(outputId, kFull);
        }
    }
    if (parentWidget())
        setGeometry(parentWidget()->rect());
    show();
    raise();
    setFocus(Qt::OtherFocusReason);
    update();
}

void QuickLook::imageReady(const QString &outputId, const QString &variant, const QImage &image)
{
    if (isHidden() || outputId != m_outputId || m_full)
        return;
    if (variant == kFull) {
        m_image = image;
        m_full = true;
    } else if (m_image.isNull()) {
        m_image = image;
    }
    update();
}

void QuickLook::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), QColor(0, 0, 0, 215)); // the gallery stays faintly behind: the user has not left it
    const QFontMetrics metrics(font());
    const int captionHeight = metrics.height() + 12;
    const QRect area = rect().adjusted(kMargin, kMargin, -kMargin, -kMargin - captionHeight);
    p.setPen(QColor(235, 235, 235));
    if (m_image.isNull()) {
        p.drawText(area, Qt::AlignCenter, m_outputId.isEmpty() ? tr("No picture yet") : tr("Loading…"));
    } else {
        QSize size = m_image.size();
        if (size.width() > area.width() || size.height() > area.height() || !m_full)
            size.scale(area.size(), Qt::KeepAspectRatio); // a thumbnail stands in at the size the full image will have
        const QRect target(area.center() - QPoint(size.width() / 2, size.height() / 2), size);
        p.setRenderHint(QPainter::SmoothPixmapTransform);
        p.drawImage(target, m_image);
    }
    const QRect captionRect(kMargin, height() - kMargin - captionHeight, width() - 2 * kMargin, captionHeight);
    p.drawText(captionRect, Qt::AlignCenter, metrics.elidedText(m_caption, Qt::ElideRight, captionRect.width()));
}

bool QuickLook::event(QEvent *event)
{
    // The window's shortcuts (Esc is its Back) are matched before a key reaches keyPressEvent:
    // claiming these keys here keeps Esc closing the look rather than leaving the page under it.
    if (event->type() == QEvent::ShortcutOverride) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->modifiers() == Qt::NoModifier || key->modifiers() == Qt::KeypadModifier) {
            switch (key->key()) {
            case Qt::Key_Space:
            case Qt::Key_Escape:
            case Qt::Key_Left:
            case Qt::Key_Right:
            case Qt::Key_Up:
            case Qt::Key_Down:
                event->accept();
                return true;
            default:
                break;
            }
        }
    }
    return QWidget::event(event);
}

void QuickLook::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Space:
    case Qt::Key_Escape:
        close();
        event->accept();
        return;
    case Qt::Key_Left:
    case Qt::Key_Right:
    case Qt::Key_Up:
    case Qt::Key_Down:
        Q_EMIT moveRequested(event->key());
        event->accept();
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void QuickLook::mousePressEvent(QMouseEvent *event)
{
    close();
    event->accept();
}

void QuickLook::close()
{
    hide();
    m_image = QImage(); // a full image is large: not kept while closed
    Q_EMIT closed();
}

} // namespace vesper::ui
