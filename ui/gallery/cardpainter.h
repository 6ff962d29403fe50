#pragma once
// Drawing shared by the gallery's card delegates: neutral placeholders of a given aspect ratio (so a
// card does not jump when its picture arrives), pictures scaled once per size and device pixel ratio
// (crisp on high-DPI screens, cheap to repaint), small badges, and the few colours cards use — all
// from the palette, with an accent only for state (running, failed).
#include <QColor>
#include <QImage>
#include <QPalette>
#include <QRect>
#include <QString>

class QPainter;

namespace vesper::ui::cards {

/// Width over height of "16:9", "3:4", ...; 1.0 for anything unreadable.
double aspectRatioOf(const QString &ratio);
/// The largest rect of width/height ratio centred in box.
QRect fitRect(const QRect &box, double ratio);
/// A neutral colour between Base and Text, for placeholders in light and dark palettes alike.
QColor placeholderColor(const QPalette &palette);
/// The state accents: running (the palette's highlight) and failed (a red readable on both).
QColor runningColor(const QPalette &palette);
QColor failedColor();

/// Fills target with the placeholder colour (rounded corners).
void drawPlaceholder(QPainter *painter, const QRect &target, const QPalette &palette);
/// Draws image scaled to cover target (cropped, not stretched), through a pixmap cache keyed by
/// key, target size and the painter's device pixel ratio.
void drawPicture(QPainter *painter, const QRect &target, const QImage &image, const QString &key);
/// A small rounded label with text; anchored at its top-left corner. Returns the rect drawn.
QRect drawBadge(QPainter *painter, const QPoint &topLeft, const QString &text, const QColor &background,
                const QColor &foreground);
/// The rect drawBadge would use.
QRect badgeRect(const QPainter *painter, const QPoint &topLeft, const QString &text);
/// The card's frame: a faint fill on hover, the highlight when selected.
void drawCardFrame(QPainter *painter, const QRect &card, const QPalette &palette, bool selected, bool hovered);

} // namespace vesper::ui::cards
