#pragma once
// A small Prometheus registry: counters, gauges and latency histograms with labels, rendered in the
// text exposition format for GET /metrics.
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
    /// A gauge computed when scraped (queue depth and the like).
    void addCallbackGauge(const QString &name, std::function<double()> read);
    /// Drops a callback gauge (its source is going away).
    void removeCallbackGauge(const QString &name);
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
    QMap<QString, std::function<double()>> m_callbacks;
    QMap<QString, QPair<QString, QString>> m_help;
};

} // namespace vesper
