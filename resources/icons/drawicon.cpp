// Renders resources/icons/vesper.svg's picture to PNGs with QPainter (no SVG module needed), once,
// by hand: g++ -std=c++17 -fPIC drawicon.cpp $(pkg-config --cflags --libs Qt6Gui) -o drawicon &&
// QT_QPA_PLATFORM=offscreen ./drawicon . — the PNGs are committed; keep the two pictures in step.
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QPainterPath>

static QImage draw(int size)
{
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(size / 256.0, size / 256.0);
    QLinearGradient dusk(0, 8, 0, 248);
    dusk.setColorAt(0, QColor(0x1d, 0x1a, 0x3f));
    dusk.setColorAt(0.55, QColor(0x4a, 0x2f, 0x7a));
    dusk.setColorAt(1, QColor(0xe0, 0x7a, 0x5f));
    p.setPen(Qt::NoPen);
    p.setBrush(dusk);
    p.drawRoundedRect(QRectF(8, 8, 240, 240), 54, 54);
    QRadialGradient glow(QPointF(128, 104), 70);
    glow.setColorAt(0, QColor(255, 246, 224, 140));
    glow.setColorAt(1, QColor(255, 246, 224, 0));
    p.setBrush(glow);
    p.drawEllipse(QPointF(128, 104), 70, 70);
    QPainterPath star;
    star.moveTo(128, 44);
    star.cubicTo(133, 90, 142, 99, 188, 104);
    star.cubicTo(142, 109, 133, 118, 128, 164);
    star.cubicTo(123, 118, 114, 109, 68, 104);
    star.cubicTo(114, 99, 123, 90, 128, 44);
    p.setBrush(QColor(0xff, 0xf8, 0xec));
    p.drawPath(star);
    QPainterPath horizon;
    horizon.moveTo(40, 196);
    horizon.quadTo(128, 168, 216, 196);
    QPen pen(QColor(255, 248, 236, 191), size <= 24 ? 10 : 6, Qt::SolidLine, Qt::RoundCap);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    p.drawPath(horizon);
    return image;
}

int main(int argc, char **argv)
{
    QGuiApplication app(argc, argv);
    const QString out = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    for (int size : {16, 32, 48, 64, 128, 256}) {
        const QString dir = QStringLiteral("%1/%2x%2").arg(out).arg(size);
        QDir().mkpath(dir);
        if (!draw(size).save(dir + QStringLiteral("/vesper.png")))
            return 1;
    }
    return 0;
}
