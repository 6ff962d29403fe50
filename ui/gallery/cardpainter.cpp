#include "ui/gallery/cardpainter.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmapCache>

namespace vesper::ui::cards {

namespace {
constexpr int Radius = 6;

QColor mix(const QColor &a, const QColor &b, double t)
{
    return QColor::fromRgbF(float(a.redF() * (1 - t) + b.redF() * t), float(a.greenF() * (1 - t) + b.greenF() * t),
                            float(a.blueF() * (1 - t) + b.blueF() * t));
}
} // namespace

double aspectRatioOf(const QString &ratio)
{
    const QStringList parts = ratio.split(QLatin1Char(':'));
    if (parts.size() != 2)
        return 1.0;
    bool okW = false, okH = false;
    const double w = parts.at(0).toDouble(&okW);
    const double h = parts.at(1).toDouble(&okH);
    if (!okW || !okH || w <= 0 || h <= 0)
        return 1.0;
    return qBound(0.2, w / h, 5.0);
}

QRect fitRect(const QRect &box, double ratio)
{
    if (box.isEmpty() || ratio <= 0)
        return box;
    int w = box.width();
    int h = qRound(w / ratio);
    if (h > box.height()) {
        h = box.height();
        w = qRound(h * ratio);
    }
    return QRect(box.x() + (box.width() - w) / 2, box.y() + (box.height() - h) / 2, w, h);
}

QColor placeholderColor(const QPalette &palette)
{
    return mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.10);
}

QColor runningColor(const QPalette &palette)
{
    return palette.color(QPalette::Highlight);
}

QColor failedColor()
{
    return QColor(0xe0, 0x4f, 0x4f);
}

void drawPlaceholder(QPainter *painter, const QRect &target, const QPalette &palette)
{
    if (target.isEmpty())
        return;
    // Drawn once per size and colour (antialiased rounded rects were a tenth of a frame while
    // scrolling past cards whose pictures had not arrived), then blitted.
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QColor color = placeholderColor(palette);
    const QString key = QStringLiteral("vesper-placeholder:%1x%2:%3:%4").arg(target.width()).arg(target.height()).arg(color.rgba()).arg(dpr);
    QPixmap pixmap;
    if (!QPixmapCache::find(key, &pixmap)) {
        pixmap = QPixmap((QSizeF(target.size()) * dpr).toSize());
        pixmap.setDevicePixelRatio(dpr);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(Qt::NoPen);
        p.setBrush(color);
        p.drawRoundedRect(QRect(QPoint(0, 0), target.size()), Radius, Radius);
        p.end();
        QPixmapCache::insert(key, pixmap);
    }
    painter->drawPixmap(target.topLeft(), pixmap);
}

void drawPicture(QPainter *painter, const QRect &target, const QImage &image, const QString &key)
{
    if (image.isNull() || target.isEmpty())
        return;
    const qreal dpr = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    const QSize pixels = (QSizeF(target.size()) * dpr).toSize();
    const QString cacheKey = QStringLiteral("vesper-card:%1:%2x%3").arg(key).arg(pixels.width()).arg(pixels.height());
    QPixmap pixmap;
    if (!QPixmapCache::find(cacheKey, &pixmap)) {
        // Cover the target: scale to fill, then crop the middle, so every card is the same shape.
        const QImage scaled = image.scaled(pixels, Qt::KeepAspectRatioByExpanding, Qt::SmoothTransformation);
        const QRect crop((scaled.width() - pixels.width()) / 2, (scaled.height() - pixels.height()) / 2, pixels.width(),
                         pixels.height());
        // The rounded corners are cut once here, not clipped on every paint (a clip path per card
        // per frame showed in the scroll profile).
        QImage rounded(pixels, QImage::Format_ARGB32_Premultiplied);
        rounded.fill(Qt::transparent);
        QPainter p(&rounded);
        p.setRenderHint(QPainter::Antialiasing);
        QPainterPath clip;
        clip.addRoundedRect(QRectF(QPointF(0, 0), QSizeF(pixels)), Radius * dpr, Radius * dpr);
        p.setClipPath(clip);
        p.drawImage(QPoint(0, 0), scaled, crop);
        p.end();
        pixmap = QPixmap::fromImage(std::move(rounded));
        QPixmapCache::insert(cacheKey, pixmap);
    }
    pixmap.setDevicePixelRatio(dpr);
    painter->drawPixmap(target.topLeft(), pixmap);
}

QRect badgeRect(const QPainter *painter, const QPoint &topLeft, const QString &text)
{
    const QFontMetrics fm(painter->font());
    return QRect(topLeft, QSize(fm.horizontalAdvance(text) + fm.height(), fm.height() + 4));
}

QRect drawBadge(QPainter *painter, const QPoint &topLeft, const QString &text, const QColor &background,
                const QColor &foreground)
{
    const QRect rect = badgeRect(painter, topLeft, text);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(background);
    painter->drawRoundedRect(rect, rect.height() / 2.0, rect.height() / 2.0);
    painter->setPen(foreground);
    painter->drawText(rect, Qt::AlignCenter, text);
    painter->restore();
    return rect;
}

void drawCardFrame(QPainter *painter, const QRect &card, const QPalette &palette, bool selected, bool hovered)
{
    if (!selected && !hovered)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QRectF r = QRectF(card).adjusted(1.5, 1.5, -1.5, -1.5);
    if (selected) {
        QColor fill = palette.color(QPalette::Highlight);
        fill.setAlphaF(0.18f);
        painter->setBrush(fill);
        painter->setPen(QPen(palette.color(QPalette::Highlight), 2));
    } else {
        painter->setBrush(mix(palette.color(QPalette::Base), palette.color(QPalette::Text), 0.05));
        painter->setPen(Qt::NoPen);
    }
    painter->drawRoundedRect(r, Radius + 2, Radius + 2);
    painter->restore();
}

} // namespace vesper::ui::cards
