#pragma once
// The colours of a sketch picture, taken from the words of the prompt: colour and mood words
// ("teal", "sunset", "forest", "night") map to their hues, any other word to a hue from its hash.
#include <QColor>
#include <QList>
#include <QString>

namespace vesper::backend {

/// A prompt's palette: 3..5 colours and whether the picture is dark (night) or light.
struct SketchPalette {
    QList<QColor> colors;
    bool dark = false;

    static SketchPalette fromPrompt(const QString &prompt);
    /// A background tone of `color`: deep for dark palettes, pale for light ones; `t` in 0..1
    /// shifts the tone a little so a gradient has depth.
    QColor background(const QColor &color, double t) const;
};

} // namespace vesper::backend
