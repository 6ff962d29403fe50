#include "backend/providers/sketchprovider.h"
#include "backend/providers/sketchpalette.h"
#include "backend/storage/pngencoder.h"

#include <QCryptographicHash>
#include <QPainter>
#include <QPainterPath>
#include <QtMath>
#include <random>

namespace vesper::backend {

namespace {

// Our own distributions: std::uniform_*_distribution differ between standard libraries, while
// mt19937_64 itself is fully specified, so this keeps output identical on every platform.
class Rng {
public:
    explicit Rng(quint64 seed) : m_engine(seed) {}
    double unit() { return double(m_engine() >> 11) * (1.0 / 9007199254740992.0); }
    double range(double low, double high) { return low + (high - low) * unit(); }
    int below(int n) { return int(m_engine() % quint64(n)); }

private:
    std::mt19937_64 m_engine;
};

quint64 compositionSeed(const QString &prompt, qint64 seed, int index)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(prompt.toUtf8());
    hash.addData(QByteArrayView("\0", 1));
    hash.addData(QByteArray::number(seed));
    hash.addData(QByteArrayView("\0", 1));
    hash.addData(QByteArray::number(index));
    const QByteArray digest = hash.result();
    quint64 value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | quint8(digest[i]);
    return value;
}

QColor withAlpha(QColor color, int alpha)
{
    color.setAlpha(alpha);
    return color;
}

struct Canvas {
    QPainter &p;
    Rng &rng;
    const SketchPalette &palette;
    double w;
    double h;
    double scale; // the shorter side: shapes keep their proportions whatever the aspect ratio
    QColor pick() { return palette.colors[rng.below(int(palette.colors.size()))]; }
};

void paintBackground(Canvas &c)
{
    const double angle = c.rng.range(0, 2 * M_PI);
    const double reach = std::hypot(c.w, c.h) / 2;
    const QPointF centre(c.w / 2, c.h / 2);
    const QPointF along(std::cos(angle) * reach, std::sin(angle) * reach);
    QLinearGradient gradient(centre - along, centre + along);
    const QColor first = c.palette.background(c.palette.colors[0], 0.0);
    const QColor second = c.palette.background(c.pick(), 1.0);
    gradient.setColorAt(0, first);
    gradient.setColorAt(c.rng.range(0.35, 0.65), c.palette.background(c.pick(), 0.5));
    gradient.setColorAt(1, second);
    c.p.fillRect(QRectF(0, 0, c.w, c.h), gradient);
}

void paintGlows(Canvas &c)
{
    c.p.setCompositionMode(c.palette.dark ? QPainter::CompositionMode_Screen : QPainter::CompositionMode_SourceOver);
    const int count = 3 + c.rng.below(3);
    for (int i = 0; i < count; ++i) {
        const QPointF centre(c.rng.range(-0.1, 1.1) * c.w, c.rng.range(-0.1, 1.1) * c.h);
        const double radius = c.rng.range(0.25, 0.6) * qMax(c.w, c.h);
        const QColor color = c.pick();
        const int alpha = int(c.rng.range(70, 150));
        QRadialGradient gradient(centre, radius);
        gradient.setColorAt(0, withAlpha(color, alpha));
        gradient.setColorAt(0.45, withAlpha(color, alpha / 2));
        gradient.setColorAt(1, withAlpha(color, 0));
        c.p.fillRect(QRectF(centre.x() - radius, centre.y() - radius, 2 * radius, 2 * radius), gradient);
    }
    c.p.setCompositionMode(QPainter::CompositionMode_SourceOver);
}

// A band of rolling hills or waves from `baseline` (fraction of the height) to the bottom edge.
void paintWave(Canvas &c, double baseline, double amplitude, int alpha)
{
    const int segments = 3 + c.rng.below(3);
    QPainterPath path(QPointF(0, c.h));
    double y = (baseline + c.rng.range(-amplitude, amplitude)) * c.h;
    path.lineTo(0, y);
    for (int i = 1; i <= segments; ++i) {
        const double x0 = c.w * (i - 1) / segments;
        const double x1 = c.w * i / segments;
        const double next = (baseline + c.rng.range(-amplitude, amplitude)) * c.h;
        path.cubicTo(QPointF(x0 + (x1 - x0) * 0.4, y), QPointF(x0 + (x1 - x0) * 0.6, next), QPointF(x1, next));
        y = next;
    }
    path.lineTo(c.w, c.h);
    path.closeSubpath();
    const QColor color = c.pick();
    QLinearGradient fill(0, baseline * c.h - amplitude * c.h, 0, c.h);
    fill.setColorAt(0, withAlpha(color, alpha));
    fill.setColorAt(1, withAlpha(c.palette.dark ? color.darker(260) : color.darker(140), alpha));
    c.p.fillPath(path, fill);
}

void paintShapes(Canvas &c)
{
    const int count = 4 + c.rng.below(5);
    for (int i = 0; i < count; ++i) {
        const QPointF centre(c.rng.range(0.05, 0.95) * c.w, c.rng.range(0.05, 0.8) * c.h);
        const double size = c.rng.range(0.04, 0.22) * c.scale;
        const QColor color = withAlpha(c.pick().lighter(115), int(c.rng.range(70, 190)));
        c.p.save();
        c.p.translate(centre);
        c.p.rotate(c.rng.range(0, 360));
        switch (c.rng.below(4)) {
        case 0: // ring
            c.p.setPen(QPen(color, qMax(1.5, size * c.rng.range(0.05, 0.18))));
            c.p.setBrush(Qt::NoBrush);
            c.p.drawEllipse(QPointF(0, 0), size, size);
            break;
        case 1: // disc
            c.p.setPen(Qt::NoPen);
            c.p.setBrush(color);
            c.p.drawEllipse(QPointF(0, 0), size, size);
            break;
        case 2: // rounded square
            c.p.setPen(Qt::NoPen);
            c.p.setBrush(color);
            c.p.drawRoundedRect(QRectF(-size, -size, 2 * size, 2 * size), size * 0.25, size * 0.25);
            break;
        default: { // triangle
            QPainterPath triangle;
            triangle.moveTo(0, -size);
            triangle.lineTo(size * 0.866, size * 0.5);
            triangle.lineTo(-size * 0.866, size * 0.5);
            triangle.closeSubpath();
            c.p.fillPath(triangle, color);
        }
        }
        c.p.restore();
    }
}

void paintSparkles(Canvas &c)
{
    c.p.setPen(Qt::NoPen);
    const int count = 30 + c.rng.below(60);
    for (int i = 0; i < count; ++i) {
        const QPointF at(c.rng.unit() * c.w, c.rng.range(0, 0.7) * c.h);
        const double radius = c.rng.range(0.0015, 0.007) * c.scale;
        QColor color = c.rng.below(3) == 0 ? c.pick().lighter(160) : QColor(255, 250, 240);
        c.p.setBrush(withAlpha(color, int(c.rng.range(60, 220))));
        c.p.drawEllipse(at, radius, radius);
    }
}

void paintVignette(Canvas &c)
{
    QRadialGradient gradient(QPointF(c.w / 2, c.h / 2), std::hypot(c.w, c.h) / 2);
    gradient.setColorAt(0.55, QColor(0, 0, 0, 0));
    gradient.setColorAt(1, QColor(0, 0, 0, c.palette.dark ? 110 : 45));
    c.p.fillRect(QRectF(0, 0, c.w, c.h), gradient);
}

} // namespace

QImage SketchProvider::render(const QString &prompt, qint64 seed, int index, ImageSize size,
                              const std::function<bool(int pass)> &afterPass)
{
    if (size.width <= 0 || size.height <= 0)
        return {};
    QImage image(size.width, size.height, QImage::Format_RGB32);
    const SketchPalette palette = SketchPalette::fromPrompt(prompt);
    Rng rng(compositionSeed(prompt, seed, index));
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    Canvas canvas{painter, rng, palette, double(size.width), double(size.height), double(qMin(size.width, size.height))};
    const auto pass = [&](int number) { return !afterPass || afterPass(number); };

    paintBackground(canvas);
    if (!pass(0))
        return {};
    paintGlows(canvas);
    if (!pass(1))
        return {};
    paintWave(canvas, rng.range(0.45, 0.6), 0.08, 150);
    if (!pass(2))
        return {};
    paintShapes(canvas);
    if (!pass(3))
        return {};
    paintWave(canvas, rng.range(0.7, 0.82), 0.06, 220);
    paintSparkles(canvas);
    if (!pass(4))
        return {};
    paintVignette(canvas);
    painter.end();
    if (!pass(5))
        return {};
    return image;
}

QByteArray SketchProvider::encodePng(const QImage &image)
{
    return vesper::backend::encodePng(image);
}

ProviderResult SketchProvider::generate(const GenerationRequest &request, ProgressSink &sink)
{
    ProviderResult result;
    const ImageSize size = imageSizeFor(request.aspectRatio, request.resolution);
    if (size.width == 0 || request.numOutputs < 1 || request.numOutputs > MaxOutputs) {
        result.errorCode = failureCodeName(FailureCode::InvalidRequest);
        result.errorMessage = QStringLiteral("Unsupported aspect ratio, resolution or number of outputs.");
        return result;
    }
    const auto cancelled = [&result] {
        result.images.clear();
        result.errorCode = failureCodeName(FailureCode::Cancelled);
        result.errorMessage = QStringLiteral("The generation was cancelled.");
        return result;
    };
    // Steps per image: the painting passes, then the PNG encoding.
    const int stepsPerImage = RenderPasses + 1;
    const int totalSteps = stepsPerImage * request.numOutputs;
    int lastPercent = -1;
    const auto report = [&](int done) {
        const int percent = qMin(99, done * 100 / totalSteps); // 100 only once everything is ready
        if (percent > lastPercent) {
            lastPercent = percent;
            sink.progress(percent, false);
        }
    };
    report(0);
    for (int i = 0; i < request.numOutputs; ++i) {
        if (sink.cancelled())
            return cancelled();
        const QImage image = render(request.prompt, request.seed, i, size, [&](int pass) {
            report(i * stepsPerImage + pass + 1);
            return !sink.cancelled();
        });
        if (image.isNull())
            return cancelled();
        GeneratedImage output;
        output.bytes = encodePng(image);
        if (output.bytes.isEmpty()) {
            result.images.clear();
            result.errorCode = errorCodeName(ErrorCode::ProviderError);
            result.errorMessage = QStringLiteral("The image could not be encoded.");
            return result;
        }
        output.width = size.width;
        output.height = size.height;
        output.image = image;
        result.images.append(output);
        report((i + 1) * stepsPerImage);
    }
    if (sink.cancelled())
        return cancelled();
    sink.progress(100, false);
    result.ok = true;
    return result;
}

} // namespace vesper::backend
