#include "fakereplicate.h"
#include "fakea1111.h" // pngOf

#include <QBuffer>
#include <QImage>
#include <QJsonArray>
#include <QSize>
#include <QUuid>
#include <cmath>

namespace vesper::test {
namespace {
const QString kModelName = QStringLiteral("black-forest-labs/flux-schnell");
const QString kModelVersion = QStringLiteral("c846a69991daf4c0e5d016514849d14ee5b2e6846ce6b9d6f21369e564cfe51e");

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

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000Z"));
}

/// FLUX schnell's input schema: the fields' problems as Replicate lists them, empty when valid.
QJsonArray invalidFields(const QJsonObject &input)
{
    QJsonArray invalid;
    const auto add = [&](const QString &type, const QString &field, const QString &description) {
        invalid.append(QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("field"), QString(QStringLiteral("input.") + field)},
                                   {QStringLiteral("description"), description}});
    };
    if (!input.value(QStringLiteral("prompt")).isString())
        add(QStringLiteral("required"), QStringLiteral("prompt"), QStringLiteral("prompt is required"));
    static const QStringList ratios{QStringLiteral("1:1"), QStringLiteral("16:9"), QStringLiteral("21:9"), QStringLiteral("3:2"),
                                    QStringLiteral("2:3"), QStringLiteral("4:5"), QStringLiteral("5:4"), QStringLiteral("3:4"),
                                    QStringLiteral("4:3"), QStringLiteral("9:16"), QStringLiteral("9:21")};
    const auto oneOf = [&](const QString &field, const QStringList &allowed) {
        if (input.contains(field) && !allowed.contains(input.value(field).toString()))
            add(QStringLiteral("enum"), field, QStringLiteral("%1 must be one of the following: \"%2\"").arg(field, allowed.join(QStringLiteral("\", \""))));
    };
    oneOf(QStringLiteral("aspect_ratio"), ratios);
    oneOf(QStringLiteral("output_format"), {QStringLiteral("webp"), QStringLiteral("jpg"), QStringLiteral("png")});
    oneOf(QStringLiteral("megapixels"), {QStringLiteral("1"), QStringLiteral("0.25")});
    const QJsonValue n = input.value(QStringLiteral("num_outputs"));
    if (!n.isUndefined() && (!n.isDouble() || n.toDouble() != std::floor(n.toDouble())))
        add(QStringLiteral("invalid_type"), QStringLiteral("num_outputs"), QStringLiteral("Invalid type. Expected: integer, given: %1").arg(n.isString() ? QStringLiteral("string") : QStringLiteral("number")));
    else if (n.toInt(1) < 1)
        add(QStringLiteral("number_gte"), QStringLiteral("num_outputs"), QStringLiteral("Must be greater than or equal to 1"));
    else if (n.toInt(1) > 4)
        add(QStringLiteral("number_lte"), QStringLiteral("num_outputs"), QStringLiteral("Must be less than or equal to 4"));
    return invalid;
}

FakeResponse problem(int status, const QString &title, const QString &detail)
{
    return FakeResponse::json(status, {{QStringLiteral("title"), title}, {QStringLiteral("detail"), detail}, {QStringLiteral("status"), status}});
}

QByteArray encoded(const QSize &size, const QString &format)
{
    if (format == QLatin1String("png"))
        return pngOf(size.width(), size.height(), Qt::darkCyan);
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::darkCyan);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format == QLatin1String("jpg") ? "JPEG" : "WEBP");
    return bytes;
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

void FakeReplicate::throttlePolls(int count, int retryAfterSeconds)
{
    QMutexLocker lock(&m_mutex);
    m_throttledPolls = count;
    m_retryAfter = retryAfterSeconds;
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
    m_predictions.clear();
    m_order.clear();
    m_pollTimes.clear();
    m_pollsAfterFinal = 0;
    m_polledFinal.clear();
    m_throttledPolls = 0;
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

int FakeReplicate::predictionsMade() const
{
    QMutexLocker lock(&m_mutex);
    return m_predictions.size();
}

QList<qint64> FakeReplicate::pollTimes() const
{
    QMutexLocker lock(&m_mutex);
    return m_pollTimes;
}

int FakeReplicate::pollsAfterFinal() const
{
    QMutexLocker lock(&m_mutex);
    return m_pollsAfterFinal;
}

QJsonObject FakeReplicate::view(const QString &id, const Prediction &p) const
{
    const qint64 elapsed = QDateTime::currentMSecsSinceEpoch() - p.created;
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("model"), kModelName},
                  {QStringLiteral("version"), p.version},
                  {QStringLiteral("input"), p.input},
                  {QStringLiteral("error"), QJsonValue()},
                  {QStringLiteral("output"), QJsonValue()},
                  {QStringLiteral("created_at"), isoTime(p.created)},
                  {QStringLiteral("urls"), QJsonObject{{QStringLiteral("get"), QString(url() + QStringLiteral("/v1/predictions/") + id)},
                                                       {QStringLiteral("cancel"), QString(url() + QStringLiteral("/v1/predictions/%1/cancel").arg(id))}}}};
    QString status = elapsed < 100 ? QStringLiteral("starting") : QStringLiteral("processing");
    QString logs;
    const int n = p.input.value(QStringLiteral("num_outputs")).toInt(1);
    if (p.canceled) {
        status = QStringLiteral("canceled");
    } else if (elapsed >= m_durationMs) {
        if (m_scenario == Scenario::Failed) {
            status = QStringLiteral("failed");
            o.insert(QStringLiteral("error"), QStringLiteral("NSFW content detected. Try running it again, or try a different prompt."));
        } else if (m_scenario == Scenario::Aborted) {
            status = QStringLiteral("aborted"); // the deadline passed: no output, no error, final
        } else {
            status = QStringLiteral("succeeded");
            // FLUX checks each image and drops the NSFW ones; here the second one goes.
            const int kept = m_scenario == Scenario::NsfwPartial && n > 1 ? n - 1 : n;
            const QString format = p.input.value(QStringLiteral("output_format")).toString(QStringLiteral("webp"));
            QJsonArray output;
            for (int i = 0; i < kept; ++i) // another host name for the same server, like replicate.delivery
                output.append(QStringLiteral("http://localhost:%1/delivery/%2/out-%3.%4").arg(m_server->port()).arg(id).arg(i).arg(format));
            if (m_scenario == Scenario::SingleString)
                o.insert(QStringLiteral("output"), output.first());
            else
                o.insert(QStringLiteral("output"), output);
            o.insert(QStringLiteral("metrics"), QJsonObject{{QStringLiteral("predict_time"), 0.5}, {QStringLiteral("image_count"), kept}});
            if (kept < n)
                logs = QStringLiteral("Using seed: 42\nNSFW content detected in image 2\nTotal safe images: %1 out of %2\n").arg(kept).arg(n);
        }
    }
    if (m_logs && status == QLatin1String("processing")) {
        const int percent = int(qMin<qint64>(99, elapsed * 100 / qMax(1, m_durationMs)));
        logs = QStringLiteral("Using seed: 42\n") + tqdm(percent / 2) + tqdm(percent);
    }
    if (!logs.isEmpty())
        o.insert(QStringLiteral("logs"), logs);
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
        return problem(429, QStringLiteral("Too Many Requests"), QStringLiteral("Request was throttled. Expected available in 1 second."))
            .header("Retry-After", "1");
    }
    if (m_scenario == Scenario::CreateFailsOnce) {
        m_scenario = Scenario::Success;
        return problem(503, QStringLiteral("Service Unavailable"), QStringLiteral("The service is temporarily unavailable."));
    }
    // The model's endpoint runs its latest version; the generic one needs the version pinned.
    const bool generic = r.path == QLatin1String("/v1/predictions");
    const QString version = generic ? m_lastCreate.value(QStringLiteral("version")).toString() : kModelVersion;
    if (generic && version.isEmpty())
        return problem(422, QStringLiteral("Invalid version or not permitted"),
                       QStringLiteral("The specified version does not exist (or perhaps you don't have permission to use it?)"));
    const QJsonObject input = m_lastCreate.value(QStringLiteral("input")).toObject();
    const QJsonArray invalid = invalidFields(input);
    if (!invalid.isEmpty()) {
        QString detail;
        for (const QJsonValue &field : invalid)
            detail += QStringLiteral("- %1: %2\n").arg(field[QStringLiteral("field")].toString(), field[QStringLiteral("description")].toString());
        QJsonObject body{{QStringLiteral("title"), QStringLiteral("Input validation failed")}, {QStringLiteral("detail"), detail},
                         {QStringLiteral("status"), 422}, {QStringLiteral("invalid_fields"), invalid}};
        return FakeResponse::json(422, body);
    }
    const QString id = QUuid::createUuid().toString(QUuid::Id128).left(26);
    Prediction p{QDateTime::currentMSecsSinceEpoch(), input, false, version};
    m_predictions.insert(id, p);
    m_order.append(id);
    if (m_scenario == Scenario::CreateLost) {
        m_scenario = Scenario::Success;
        return problem(502, QStringLiteral("Bad Gateway"), QStringLiteral("The upstream server did not answer in time."));
    }
    return FakeResponse::json(201, view(id, p));
}

FakeResponse FakeReplicate::poll(const QString &id, const Prediction &p)
{
    m_pollTimes.append(QDateTime::currentMSecsSinceEpoch());
    if (m_throttledPolls > 0) {
        --m_throttledPolls;
        FakeResponse throttled = problem(429, QStringLiteral("Too Many Requests"),
                                         QStringLiteral("Request was throttled. Your rate limit resets in ~%1s.").arg(qMax(m_retryAfter, 10)));
        if (m_retryAfter > 0)
            throttled.header("Retry-After", QByteArray::number(m_retryAfter));
        return throttled;
    }
    if (m_scenario == Scenario::NotJson)
        return FakeResponse::bytes(200, "<html><body>502 Bad Gateway</body></html>", "text/html");
    const QJsonObject o = view(id, p);
    static const QStringList final{QStringLiteral("succeeded"), QStringLiteral("failed"), QStringLiteral("canceled"), QStringLiteral("aborted")};
    if (p.canceled || final.contains(o.value(QStringLiteral("status")).toString())) {
        if (m_polledFinal.contains(id))
            ++m_pollsAfterFinal;
        m_polledFinal.insert(id);
    }
    return FakeResponse::json(200, o);
}

FakeResponse FakeReplicate::list() const
{
    QJsonArray results; // newest first, 100 a page
    for (qsizetype i = m_order.size() - 1; i >= 0 && results.size() < 100; --i)
        results.append(view(m_order.at(i), m_predictions.value(m_order.at(i))));
    return FakeResponse::json(200, {{QStringLiteral("next"), QJsonValue()}, {QStringLiteral("previous"), QJsonValue()},
                                    {QStringLiteral("results"), results}});
}

FakeResponse FakeReplicate::file(const QString &path) const
{
    const QStringList parts = path.split(QLatin1Char('/')); // "", delivery, id, out-N.ext
    const Prediction p = m_predictions.value(parts.value(2));
    if (p.created == 0)
        return FakeResponse::bytes(404, "not found", "text/plain");
    if (m_scenario == Scenario::BadImage)
        return FakeResponse::bytes(200, "GIF89a but not really", "image/png");
    const int side = p.input.value(QStringLiteral("megapixels")).toString() == QLatin1String("0.25") ? 512 : 1024;
    const QSize size = sizeFor(p.input.value(QStringLiteral("aspect_ratio")).toString(), side);
    const QString format = parts.value(3).section(QLatin1Char('.'), -1);
    const QByteArray mime = format == QLatin1String("jpg") ? QByteArray("image/jpeg") : QByteArray("image/" + format.toLatin1());
    return FakeResponse::bytes(200, encoded(size, format), mime);
}

FakeResponse FakeReplicate::handle(const FakeRequest &r)
{
    QMutexLocker lock(&m_mutex);
    if (r.path.startsWith(QLatin1String("/delivery/"))) {
        if (r.headers.contains("authorization"))
            m_fileAuth.append(r.headers.value("authorization"));
        return file(r.path);
    }
    m_auth.append(r.headers.value("authorization"));
    if (r.headers.value("authorization") != "Bearer " + kToken.toUtf8())
        return problem(401, QStringLiteral("Unauthenticated"), QStringLiteral("You did not pass a valid authentication token"));
    const bool modelRoute = r.path.startsWith(QLatin1String("/v1/models/")) && r.path.endsWith(QLatin1String("/predictions"));
    if (r.method == "POST" && (modelRoute || r.path == QLatin1String("/v1/predictions")))
        return create(r);
    if (r.method == "GET" && r.path == QLatin1String("/v1/predictions"))
        return list();
    if (r.path.startsWith(QLatin1String("/v1/predictions/"))) {
        const QStringList parts = r.path.split(QLatin1Char('/')); // "", v1, predictions, id[, cancel]
        const QString id = parts.value(3);
        if (!m_predictions.contains(id))
            return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not found.")}});
        Prediction &p = m_predictions[id];
        if (r.method == "POST" && parts.value(4) == QLatin1String("cancel")) {
            // A prediction already over stays as it ended.
            if (view(id, p).value(QStringLiteral("status")).toString() == QLatin1String("processing")
                || view(id, p).value(QStringLiteral("status")).toString() == QLatin1String("starting"))
                p.canceled = true;
            return FakeResponse::json(200, view(id, p));
        }
        if (r.method == "GET" && parts.size() == 4)
            return poll(id, p);
    }
    return FakeResponse::json(404, {{QStringLiteral("detail"), QStringLiteral("Not found.")}});
}

} // namespace vesper::test
