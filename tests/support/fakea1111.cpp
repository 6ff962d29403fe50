#include "fakea1111.h"

#include <QBuffer>
#include <QColor>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>

namespace vesper::test {

QByteArray pngOf(int width, int height, const QColor &colour)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

FakeA1111::FakeA1111()
    : m_server(std::make_unique<FakeHttpServer>([this](const FakeRequest &r) { return handle(r); }))
{
}

bool FakeA1111::start(QString *error)
{
    return m_server->start(error);
}

void FakeA1111::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
}

void FakeA1111::setDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_delayMs = ms;
}

QJsonObject FakeA1111::lastTxt2Img() const
{
    QMutexLocker lock(&m_mutex);
    return m_last;
}

QList<qint64> FakeA1111::txt2imgTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_times;
}

void FakeA1111::reset()
{
    QMutexLocker lock(&m_mutex);
    m_scenario = Scenario::Success;
    m_delayMs = 300;
    m_last = {};
    m_times.clear();
    m_runningSince = 0;
    m_server->clearRequests();
}

FakeResponse FakeA1111::handle(const FakeRequest &r)
{
    if (r.method == "POST" && r.path == QLatin1String("/sdapi/v1/txt2img"))
        return txt2img(r);
    if (r.method == "GET" && r.path == QLatin1String("/sdapi/v1/progress"))
        return progress();
    if (r.method == "POST" && r.path == QLatin1String("/sdapi/v1/interrupt")) {
        QMutexLocker lock(&m_mutex);
        m_runningSince = 0;
        return FakeResponse::json(200, {});
    }
    return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not Found")}});
}

FakeResponse FakeA1111::txt2img(const FakeRequest &r)
{
    QMutexLocker lock(&m_mutex);
    m_last = r.json();
    m_times.append(QDateTime::currentMSecsSinceEpoch());
    switch (m_scenario) {
    case Scenario::Error:
        return FakeResponse::json(500, {{QStringLiteral("error"), QStringLiteral("OutOfMemoryError")},
                                        {QStringLiteral("detail"), QString()},
                                        {QStringLiteral("body"), QString()},
                                        {QStringLiteral("errors"), QStringLiteral("CUDA out of memory. Tried to allocate 2.00 GiB")}});
    case Scenario::Hang:
        return FakeResponse::hang();
    case Scenario::RateLimitOnce:
        m_scenario = Scenario::Success;
        return FakeResponse::json(429, {{QStringLiteral("detail"), QStringLiteral("too many requests")}}).header("Retry-After", "1");
    case Scenario::NotJson:
        return FakeResponse::bytes(200, "<html><body>Gradio</body></html>", "text/html");
    case Scenario::Unavailable:
        return FakeResponse::bytes(503, "upstream restarting", "text/plain");
    case Scenario::Success:
    case Scenario::BadImage:
        break;
    }
    const int width = m_last.value(QStringLiteral("width")).toInt();
    const int height = m_last.value(QStringLiteral("height")).toInt();
    const int batch = qMax(1, m_last.value(QStringLiteral("batch_size")).toInt(1));
    QJsonArray images;
    if (batch > 1) // the web UI's grid of the batch comes first
        images.append(QString::fromLatin1(pngOf(width * batch, height, Qt::gray).toBase64()));
    for (int i = 0; i < batch; ++i) {
        const QByteArray bytes = m_scenario == Scenario::BadImage ? QByteArray("definitely not a picture")
                                                                   : pngOf(width, height, QColor::fromHsv(i * 60, 200, 200));
        images.append(QString::fromLatin1(bytes.toBase64()));
    }
    const QJsonObject info{{QStringLiteral("seed"), m_last.value(QStringLiteral("seed"))},
                           {QStringLiteral("index_of_first_image"), batch > 1 ? 1 : 0}};
    m_runningSince = QDateTime::currentMSecsSinceEpoch();
    m_runningDelay = m_delayMs;
    return FakeResponse::json(200, {{QStringLiteral("images"), images},
                                    {QStringLiteral("parameters"), m_last},
                                    {QStringLiteral("info"), QString::fromUtf8(QJsonDocument(info).toJson(QJsonDocument::Compact))}})
        .delayed(m_delayMs);
}

FakeResponse FakeA1111::progress()
{
    QMutexLocker lock(&m_mutex);
    double fraction = 0;
    if (m_runningSince > 0 && m_runningDelay > 0)
        fraction = qBound(0.0, double(QDateTime::currentMSecsSinceEpoch() - m_runningSince) / m_runningDelay, 1.0);
    if (fraction >= 1.0)
        m_runningSince = 0; // done: the web UI reports idle again
    const int steps = 25;
    return FakeResponse::json(200, {{QStringLiteral("progress"), fraction >= 1.0 ? 0.0 : fraction},
                                    {QStringLiteral("eta_relative"), (1.0 - fraction) * m_runningDelay / 1000.0},
                                    {QStringLiteral("state"), QJsonObject{{QStringLiteral("skipped"), false},
                                                                          {QStringLiteral("interrupted"), false},
                                                                          {QStringLiteral("job_count"), m_runningSince > 0 ? 1 : 0},
                                                                          {QStringLiteral("sampling_step"), int(fraction * steps)},
                                                                          {QStringLiteral("sampling_steps"), steps}}},
                                    {QStringLiteral("current_image"), QJsonValue()},
                                    {QStringLiteral("textinfo"), QJsonValue()}});
}

} // namespace vesper::test
