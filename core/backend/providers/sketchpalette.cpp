#include "backend/providers/sketchpalette.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSet>

namespace vesper::backend {

namespace {

struct Swatch {
    const char *word;
    int hue; // degrees; -1 for a grey
    double saturation;
    double value;
};

// Words that name a colour, or a scene whose colours everybody agrees on.
constexpr Swatch Swatches[] = {
    {"red", 2, 0.75, 0.85},       {"crimson", 350, 0.8, 0.7},  {"orange", 26, 0.8, 0.95},
    {"amber", 40, 0.85, 0.95},    {"gold", 45, 0.7, 0.95},     {"golden", 45, 0.7, 0.95},
    {"yellow", 54, 0.7, 0.97},    {"lime", 85, 0.65, 0.85},    {"green", 130, 0.55, 0.7},
    {"forest", 140, 0.6, 0.5},    {"mint", 155, 0.35, 0.9},    {"teal", 178, 0.65, 0.65},
    {"cyan", 188, 0.6, 0.9},      {"sky", 205, 0.45, 0.95},    {"blue", 220, 0.7, 0.85},
    {"ocean", 205, 0.75, 0.7},    {"sea", 195, 0.7, 0.75},     {"navy", 228, 0.75, 0.4},
    {"indigo", 250, 0.65, 0.55},  {"purple", 275, 0.55, 0.7},  {"violet", 270, 0.45, 0.85},
    {"lavender", 265, 0.3, 0.92}, {"magenta", 310, 0.7, 0.85}, {"pink", 335, 0.4, 0.97},
    {"rose", 345, 0.5, 0.9},      {"sunset", 18, 0.75, 0.95},  {"sunrise", 35, 0.6, 0.98},
    {"fire", 12, 0.9, 0.95},      {"desert", 32, 0.45, 0.88},  {"sand", 38, 0.35, 0.9},
    {"autumn", 24, 0.75, 0.8},    {"snow", 210, 0.08, 0.97},   {"ice", 195, 0.25, 0.95},
    {"winter", 210, 0.2, 0.9},    {"grey", -1, 0, 0.6},        {"gray", -1, 0, 0.6},
    {"silver", -1, 0, 0.8},       {"white", -1, 0, 0.96},      {"black", -1, 0, 0.12},
};

const QSet<QString> &darkWords()
{
    static const QSet<QString> words{QStringLiteral("night"), QStringLiteral("midnight"), QStringLiteral("dark"),
                                     QStringLiteral("space"),  QStringLiteral("noir"),     QStringLiteral("moon"),
                                     QStringLiteral("stars"),  QStringLiteral("galaxy"),   QStringLiteral("black")};
    return words;
}

const QSet<QString> &lightWords()
{
    static const QSet<QString> words{QStringLiteral("pastel"), QStringLiteral("light"),  QStringLiteral("bright"),
                                     QStringLiteral("morning"), QStringLiteral("day"),   QStringLiteral("sunny"),
                                     QStringLiteral("snow"),   QStringLiteral("cloud"),  QStringLiteral("clouds")};
    return words;
}

const QSet<QString> &stopWords()
{
    static const QSet<QString> words{QStringLiteral("a"),   QStringLiteral("an"),   QStringLiteral("the"),
                                     QStringLiteral("of"),  QStringLiteral("in"),   QStringLiteral("on"),
                                     QStringLiteral("at"),  QStringLiteral("and"),  QStringLiteral("with"),
                                     QStringLiteral("by"),  QStringLiteral("for"),  QStringLiteral("to"),
                                     QStringLiteral("is"),  QStringLiteral("from"), QStringLiteral("over")};
    return words;
}

quint32 wordHash(const QString &word)
{
    const QByteArray digest = QCryptographicHash::hash(word.toUtf8(), QCryptographicHash::Sha256);
    return (quint32(quint8(digest[0])) << 24) | (quint32(quint8(digest[1])) << 16)
        | (quint32(quint8(digest[2])) << 8) | quint32(quint8(digest[3]));
}

QColor colorForWord(const QString &word)
{
    for (const Swatch &swatch : Swatches) {
        if (word == QLatin1String(swatch.word))
            return QColor::fromHsvF(swatch.hue < 0 ? -1 : swatch.hue / 360.0, swatch.saturation, swatch.value);
    }
    // Any other word: a hue from its hash, with saturation and value kept in a pleasant middle band.
    const quint32 h = wordHash(word);
    return QColor::fromHsvF((h % 360) / 360.0, 0.45 + ((h >> 9) % 30) / 100.0, 0.7 + ((h >> 17) % 25) / 100.0);
}

} // namespace

SketchPalette SketchPalette::fromPrompt(const QString &prompt)
{
    static const QRegularExpression separators(QStringLiteral("[^\\p{L}\\p{N}]+"));
    SketchPalette palette;
    const QStringList words = prompt.toLower().split(separators, Qt::SkipEmptyParts);
    QSet<QString> seen;
    bool light = false;
    for (const QString &word : words) {
        if (darkWords().contains(word))
            palette.dark = true;
        if (lightWords().contains(word))
            light = true;
        if (stopWords().contains(word) || seen.contains(word) || palette.colors.size() >= 5)
            continue;
        seen.insert(word);
        palette.colors.append(colorForWord(word));
    }
    const quint32 whole = wordHash(prompt);
    if (palette.colors.isEmpty())
        palette.colors.append(QColor::fromHsvF((whole % 360) / 360.0, 0.6, 0.85));
    if (!palette.dark && !light)
        palette.dark = (whole >> 12) % 3 == 0; // a third of the prompts without a mood are dusky
    // Fewer than three words: add analogous and complementary tones of the first colour.
    const QColor base = palette.colors.first();
    const int baseHue = base.hsvHue() < 0 ? int(whole % 360) : base.hsvHue();
    const int offsets[] = {35, 180, -40};
    for (int i = 0; palette.colors.size() < 3; ++i) {
        palette.colors.append(QColor::fromHsvF(((baseHue + offsets[i] + 360) % 360) / 360.0,
                                               qBound(0.35, base.hsvSaturationF() + 0.1, 0.8), 0.85));
    }
    return palette;
}

QColor SketchPalette::background(const QColor &color, double t) const
{
    const double hue = color.hsvHueF() < 0 ? 0.6 : color.hsvHueF();
    const double saturation = qBound(0.0, color.hsvSaturationF() * (dark ? 0.8 : 0.35), 1.0);
    const double value = dark ? 0.12 + 0.14 * t : 0.93 - 0.1 * t;
    return QColor::fromHsvF(hue, saturation, value);
}

} // namespace vesper::backend
