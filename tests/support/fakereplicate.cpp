#include "fakereplicate.h"
#include "fakea1111.h" // pngOf

#include <QJsonArray>
#include <QSize>
#include <QUuid>

namespace vesper::test {
namespace {
/// Width and height for "W:H" with the longest side `side`.
QSize sizeFor(const QString &ratio, int side)
{
    const QStringList parts = ratio.split(QLatin1Char(':'));
    const double w = parts.value(0).toDouble(), h = parts.value(1).toDouble();
    if (w <= 0 || h <= 0)
        return {side, side};
    return w >= h ? QSize(side, qRound(side * h / w)) : QSize(qRound(side * w / h), side);
}

QString tqdm(int percent)
{
    const int filled = percent / 10;
    return QStringLiteral("%1%|%2%3| %4/4 [00:01<00:01,  2.00it/s]\n")
        .arg(percent, 3).arg(QString(filled, QChar(0x2588)), QString(10 - filled, QLatin1Char(' '))).arg(percent * 4 / 100);
}
} // namespace

FakeReplicate::FakeReplicate()
    : m_server(std::make_unique<FakeHttpServer>([this](const FakeRequest &r) { return handle(r); }))
{
}

bool FakeReplicate::start(QString *error)
{
    return m_server->start(error);
}

void FakeReplicate::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
}

void FakeReplicate::setDurationMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_durationMs = ms;
}

void FakeReplicate::setLogs(bool on)
{
    QMutexLocker lock(&m_mutex);
    m_logs = on;
}

void FakeReplicate::reset()
{
    QMutexLocker lock(&m_mutex);
    m_scenario = Scenario::Success;
    m_durationMs = 300;
    m_logs = false;
    m_lastCreate = {};
    m_lastCreatePath.clear();
    m_createTimes.clear();
    m_auth.clear();
    m_fileAuth.clear();
    m_server->clearRequests();
}

QJsonObject FakeReplicate::lastCreate() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastCreate;
}

QString FakeReplicate::lastCreatePath() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastCreatePath;
}

QList<qint64> FakeReplicate::createTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_createTimes;
}

QList<QByteArray> FakeReplicate::authorizations() const
{
    QMutexLocker lock(&m_mutex);
    return m_auth;
}

QList<QByteArray> FakeReplicate::fileAuthorizations() const
{
    QMutexLocker lock(&m_mutex);
    return m_fileAuth;
}

QJsonObject FakeReplicate::view(const QString &id, const Prediction &p) const
{
    const qint64 elapsed = QDateTime::currentMSecsSinceEpoch() - p.created;
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("model"), QStringLiteral("black-forest-labs/flux-schnell")},
                  {QStringLiteral("input"), p.input},
                  {QStringLiteral("error"), QJsonValue()},
                  {QStringLiteral("output"), QJsonValue()},
                  {QStringLiteral("urls"), QJsonObject{{QStringLiteral("get"), QString(url() + QStringLiteral("/v1/predictions/") + id)},
                                                       {QStringLiteral("cancel"), QString(url() + QStringLiteral("/v1/predictions/%1/cancel").arg(id))}}}};
    QString status = elapsed < 100 ? QStringLiteral("starting") : QStringLiteral("processing");
    if (p.canceled) {
        status = QStringLiteral("canceled");
    } else if (elapsed >= m_durationMs) {
        if (m_scenario == Scenario::Failed) {
            status = QStringLiteral("failed");
            o.insert(QStringLiteral("error"), QStringLiteral("NSFW content detected. Try running it again, or try a different prompt."));
        } else {
            status = QStringLiteral("succeeded");
            QJsonArray output;
            const int n = p.input.value(QStringLiteral("num_outputs")).toInt(1);
            for (int i = 0; i < n; ++i) // another host name for the same server, like replicate.delivery
                output.append(QStringLiteral("http://localhost:%1/delivery/%2/out-%3.png").arg(m_server->port()).arg(id).arg(i));
            o.insert(QStringLiteral("output"), output);
        }
    }
    if (m_logs && status == QLatin1String("processing")) {
        const int percent = int(qMin<qint64>(99, elapsed * 100 / qMax(1, m_durationMs)));
        o.insert(QStringLiteral("logs"), QString(QStringLiteral("Using seed: 42\n") + tqdm(percent / 2) + tqdm(percent)));
    }
    o.insert(QStringLiteral("status"), status);
    return o;
}

FakeResponse FakeReplicate::create(const FakeRequest &r)
{
    m_lastCreate = r.json();
    m_lastCreatePath = r.path;
    m_createTimes.append(QDateTime::currentMSecsSinceEpoch());
    if (m_scenario == Scenario::Hang)
        return FakeResponse::hang();
    if (m_scenario == Scenario::RateLimitOnce) {
        m_scenario = Scenario::Success;
        return FakeResponse::json(429, {{QStringLiteral("title"), QStringLiteral("Too Many Requests")},
                                        {QStringLiteral("detail"), QStringLiteral("Request was throttled. Expected available in 1 second.")},
                                        {QStringLiteral("status"), 429}})
            .header("Retry-After", "1");
    }
    const QString id = QUuid::createUuid().toString(QUuid::Id128).left(26);
    Prediction p{QDateTime::currentMSecsSinceEpoch(), m_lastCreate.value(QStringLiteral("input")).toObject(), false};
    m_predictions.insert(id, p);
    return FakeResponse::json(201, view(id, p));
}

FakeResponse FakeReplicate::handle(const FakeRequest &r)
{
    QMutexLocker lock(&m_mutex);
    if (r.path.startsWith(QLatin1String("/delivery/"))) {
        if (r.headers.contains("authorization"))
            m_fileAuth.append(r.headers.value("authorization"));
        const QStringList parts = r.path.split(QLatin1Char('/')); // "", delivery, id, out-N.png
        const Prediction p = m_predictions.value(parts.value(2));
        if (p.created == 0)
            return FakeResponse::bytes(404, "not found", "text/plain");
        if (m_scenario == Scenario::BadImage)
            return FakeResponse::bytes(200, "GIF89a but not really", "image/png");
        const int side = p.input.value(QStringLiteral("megapixels")).toString() == QLatin1String("0.25") ? 512 : 1024;
        const QSize size = sizeFor(p.input.value(QStringLiteral("aspect_ratio")).toString(), side);
        return FakeResponse::bytes(200, pngOf(size.width(), size.height(), Qt::darkCyan), "image/png");
    }
    m_auth.append(r.headers.value("authorization"));
    if (r.headers.value("authorization") != "Bearer " + kToken.toUtf8())
        return FakeResponse::json(401, {{QStringLiteral("title"), QStringLiteral("Unauthenticated")},
                                        {QStringLiteral("detail"), QStringLiteral("You did not pass a valid authentication token")},
                                        {QStringLiteral("status"), 401}});
    if (r.method == "POST" && r.path.startsWith(QLatin1String("/v1/models/")) && r.path.endsWith(QLatin1String("/predictions")))
        return create(r);
    if (r.path.startsWith(QLatin1String("/v1/predictions/"))) {
        const QStringList parts = r.path.split(QLatin1Char('/')); // "", v1, predictions, id[, cancel]
        const QString id = parts.value(3);
        if (!m_predictions.contains(id))
            return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not found.")}});
        Prediction &p = m_predictions[id];
        if (r.method == "POST" && parts.value(4) == QLatin1String("cancel")) {
            p.canceled = true;
            return FakeResponse::json(200, view(id, p));
        }
        if (r.method == "GET" && parts.size() == 4) {
            if (m_scenario == Scenario::NotJson)
                return FakeResponse::bytes(200, "<html><body>502 Bad Gateway</body></html>", "text/html");
            return FakeResponse::json(200, view(id, p));
        }
    }
    return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not found.")}});
}

} // namespace vesper::test
