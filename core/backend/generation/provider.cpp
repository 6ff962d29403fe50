#include "backend/generation/provider.h"

#include <cmath>

namespace vesper::backend {

namespace {

constexpr int MinResolution = 64;
constexpr int MaxResolution = 4096;
constexpr int MaxRatioTerm = 64; // "21:9" or "3:2", not "1000000:1"

int ratioTerm(QStringView text)
{
    if (text.isEmpty() || text.size() > 2)
        return 0;
    for (const QChar c : text) {
        if (!c.isDigit() || c.unicode() > u'9')
            return 0;
    }
    const int value = text.toInt();
    return value >= 1 && value <= MaxRatioTerm ? value : 0;
}

} // namespace

ImageSize imageSizeFor(const QString &aspectRatio, int resolution)
{
    if (resolution < MinResolution || resolution > MaxResolution)
        return {};
    const qsizetype colon = aspectRatio.indexOf(QLatin1Char(':'));
    if (colon < 0)
        return {};
    const int w = ratioTerm(QStringView(aspectRatio).left(colon));
    const int h = ratioTerm(QStringView(aspectRatio).mid(colon + 1));
    if (w == 0 || h == 0)
        return {};
    // The longest side is the resolution; the other is rounded to a multiple of 8, which every
    // diffusion backend needs, and never below 8.
    const int longest = resolution;
    const int shorter = qMax(8, int(std::lround(double(longest) * qMin(w, h) / qMax(w, h) / 8.0)) * 8);
    return w >= h ? ImageSize{longest, qMin(shorter, longest)} : ImageSize{qMin(shorter, longest), longest};
}

} // namespace vesper::backend
