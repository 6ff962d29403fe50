#include "common/metrics.h"

namespace vesper {
namespace {
const double kBounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr size_t kBoundCount = sizeof(kBounds) / sizeof(kBounds[0]);

QString series(const QString &name, const QString &labels)
{
    return labels.isEmpty() ? name : name + QLatin1Char('{') + labels + QLatin1Char('}');
}
} // namespace

MetricsRegistry &MetricsRegistry::instance()
{
    static MetricsRegistry registry;
    return registry;
}

void MetricsRegistry::addCounter(const QString &name, const QString &labels, double delta)
{
    QMutexLocker lock(&m_mutex);
    m_counters[name][labels] += delta;
}

void MetricsRegistry::setGauge(const QString &name, const QString &labels, double value)
{
    QMutexLocker lock(&m_mutex);
    m_gauges[name][labels] = value;
}

void MetricsRegistry::observe(const QString &name, const QString &labels, double seconds)
{
    QMutexLocker lock(&m_mutex);
    Histogram &h = m_histograms[name][labels];
    if (h.buckets.empty())
        h.buckets.resize(kBoundCount, 0);
    for (size_t i = 0; i < kBoundCount; ++i) {
        if (seconds <= kBounds[i])
            ++h.buckets[i];
    }
    ++h.count;
    h.sum += seconds;
}

quint64 MetricsRegistry::addCallbackGauge(const QString &name, std::function<double()> read)
{
    QMutexLocker lock(&m_mutex);
    const quint64 id = ++m_nextCallbackId;
    m_callbacks[name].insert(id, std::move(read));
    return id;
}

void MetricsRegistry::removeCallbackGauge(quint64 id)
{
    QMutexLocker lock(&m_mutex);
    for (auto it = m_callbacks.begin(); it != m_callbacks.end(); ++it) {
        if (it->remove(id) > 0) {
            if (it->isEmpty())
                m_callbacks.erase(it);
            return;
        }
    }
}

void MetricsRegistry::describe(const QString &name, const QString &type, const QString &help)
{
    QMutexLocker lock(&m_mutex);
    m_help.insert(name, {type, help});
}

QByteArray MetricsRegistry::render() const
{
    QMutexLocker lock(&m_mutex);
    QString out;
    auto header = [&](const QString &name, const char *fallbackType) {
        const auto help = m_help.value(name);
        if (!help.second.isEmpty())
            out += QStringLiteral("# HELP %1 %2\n").arg(name, help.second);
        out += QStringLiteral("# TYPE %1 %2\n").arg(name, help.first.isEmpty() ? QString::fromLatin1(fallbackType) : help.first);
    };
    for (auto it = m_counters.begin(); it != m_counters.end(); ++it) {
        header(it.key(), "counter");
        for (auto s = it->begin(); s != it->end(); ++s)
            out += series(it.key(), s.key()) + QLatin1Char(' ') + QString::number(s.value(), 'g', 17) + QLatin1Char('\n');
    }
    for (auto it = m_gauges.begin(); it != m_gauges.end(); ++it) {
        header(it.key(), "gauge");
        for (auto s = it->begin(); s != it->end(); ++s)
            out += series(it.key(), s.key()) + QLatin1Char(' ') + QString::number(s.value(), 'g', 17) + QLatin1Char('\n');
    }
    for (auto it = m_callbacks.begin(); it != m_callbacks.end(); ++it) {
        header(it.key(), "gauge");
        double sum = 0;
        for (const auto &read : *it)
            sum += read();
        out += it.key() + QLatin1Char(' ') + QString::number(sum, 'g', 17) + QLatin1Char('\n');
    }
    for (auto it = m_histograms.begin(); it != m_histograms.end(); ++it) {
        header(it.key(), "histogram");
        for (auto s = it->begin(); s != it->end(); ++s) {
            const QString sep = s.key().isEmpty() ? QString() : s.key() + QLatin1Char(',');
            for (size_t i = 0; i < kBoundCount; ++i)
                out += QStringLiteral("%1_bucket{%2le=\"%3\"} %4\n").arg(it.key(), sep, QString::number(kBounds[i])).arg(s->buckets[i]);
            out += QStringLiteral("%1_bucket{%2le=\"+Inf\"} %3\n").arg(it.key(), sep).arg(s->count);
            out += series(it.key() + QStringLiteral("_sum"), s.key()) + QLatin1Char(' ') + QString::number(s->sum, 'g', 17) + QLatin1Char('\n');
            out += series(it.key() + QStringLiteral("_count"), s.key()) + QLatin1Char(' ') + QString::number(s->count) + QLatin1Char('\n');
        }
    }
    return out.toUtf8();
}

} // namespace vesper
