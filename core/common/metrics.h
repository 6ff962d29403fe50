#pragma once
// A small Prometheus registry: counters, gauges and latency histograms with labels, rendered in the
// text exposition format for GET /metrics. One per process (two embedded backends add to the same
// series); a callback gauge is owned by the source that added it, so one backend stopping never
// drops another's.
#include <QByteArray>
#include <QMap>
#include <QMutex>
#include <QString>
#include <functional>
#include <vector>

namespace vesper {

class MetricsRegistry {
public:
    static MetricsRegistry &instance();

    void addCounter(const QString &name, const QString &labels, double delta = 1.0);
    void setGauge(const QString &name, const QString &labels, double value);
    void observe(const QString &name, const QString &labels, double seconds);
    /// A gauge computed when scraped (queue depth and the like); returns the id that removes it.
    /// Several sources may add the same name (two backends in one process): a scrape shows their sum.
    quint64 addCallbackGauge(const QString &name, std::function<double()> read);
    /// Drops the callback gauge addCallbackGauge returned `id` for (its source is going away); other
    /// sources of the same name stay.
    void removeCallbackGauge(quint64 id);
    void describe(const QString &name, const QString &type, const QString &help);

    QByteArray render() const;

private:
    struct Histogram {
        std::vector<quint64> buckets;
        quint64 count = 0;
        double sum = 0;
    };
    mutable QMutex m_mutex;
    QMap<QString, QMap<QString, double>> m_counters;
    QMap<QString, QMap<QString, double>> m_gauges;
    QMap<QString, QMap<QString, Histogram>> m_histograms;
    QMap<QString, QMap<quint64, std::function<double()>>> m_callbacks; // name -> source id -> read
    quint64 m_nextCallbackId = 0;
    QMap<QString, QPair<QString, QString>> m_help;
};

} // namespace vesper
