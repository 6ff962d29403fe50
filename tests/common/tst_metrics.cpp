// The metrics registry's callback gauges: two sources of one name (two backends in one process)
// show as their sum, and removing one source leaves the other's gauge in the scrape.
#include "common/metrics.h"

#include <QTest>

using namespace vesper;

namespace {
/// The value of an unlabelled series in a scrape; NaN when the scrape has no such line.
double valueOf(const QByteArray &scrape, const QByteArray &name)
{
    for (const QByteArray &line : scrape.split('\n')) {
        if (line.startsWith(QByteArray(name + ' ')))
            return line.mid(name.size() + 1).toDouble();
    }
    return qQNaN();
}
} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void callbackGaugesBelongToTheirSource()
    {
        MetricsRegistry &metrics = MetricsRegistry::instance();
        const QString name = QStringLiteral("test_queue_depth");
        const quint64 a = metrics.addCallbackGauge(name, [] { return 3.0; });
        const quint64 b = metrics.addCallbackGauge(name, [] { return 4.0; });
        QVERIFY(a != b);
        QCOMPARE(valueOf(metrics.render(), name.toUtf8()), 7.0);
        metrics.removeCallbackGauge(a); // A stops: B's source stays
        QCOMPARE(valueOf(metrics.render(), name.toUtf8()), 4.0);
        metrics.removeCallbackGauge(a); // twice is harmless
        QCOMPARE(valueOf(metrics.render(), name.toUtf8()), 4.0);
        metrics.removeCallbackGauge(b);
        QVERIFY(qIsNaN(valueOf(metrics.render(), name.toUtf8())));
        QVERIFY(!metrics.render().contains("test_queue_depth"));
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
