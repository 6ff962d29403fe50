#include "fakegemini.h"

#include <QBuffer>
#include <QDateTime>
#include <QImage>
#include <QJsonArray>
#include <QPainter>

namespace vesper::test {
namespace {
QJsonObject error(int code, const QString &message, const QString &status)
{
    return {{QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message},
                                                  {QStringLiteral("status"), status}}}};
}

QJsonObject usage()
{
    return {{QStringLiteral("promptTokenCount"), 12}, {QStringLiteral("candidatesTokenCount"), 1290},
            {QStringLiteral("totalTokenCount"), 1302}};
}

QJsonObject answerWith(const QJsonArray &parts, const QString &finishReason)
{
    const QJsonObject candidate{{QStringLiteral("content"), QJsonObject{{QStringLiteral("role"), QStringLiteral("model")},
                                                                          {QStringLiteral("parts"), parts}}},
                                {QStringLiteral("finishReason"), finishReason}, {QStringLiteral("index"), 0}};
    return {{QStringLiteral("candidates"), QJsonArray{candidate}}, {QStringLiteral("usageMetadata"), usage()},
            {QStringLiteral("modelVersion"), FakeGemini::model()}};
}

// A picture that depends on the seed, encoded as Gemini would send it.
QByteArray picture(const QSize &size, qint64 seed, const char *format)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor::fromHsv(int(seed * 37 % 360), 160, 200));
    QPainter painter(&image);
    painter.fillRect(QRect(size.width() / 4, size.height() / 4, size.width() / 2, size.height() / 2), Qt::darkBlue);
    painter.end();
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}
} // namespace

QSize FakeGemini::sizeFor(const QString &aspectRatio)
{
    if (aspectRatio == QLatin1String("16:9"))
        return {1344, 768};
    if (aspectRatio == QLatin1String("9:16"))
        return {768, 1344};
    if (aspectRatio == QLatin1String("4:3"))
        return {1184, 864};
    if (aspectRatio == QLatin1String("3:4"))
        return {864, 1184};
    return {1024, 1024};
}

FakeGemini::FakeGemini()
    : m_server(std::make_unique<FakeHttpServer>([this](const FakeRequest &r) { return answer(r); }))
{
}

FakeGemini::~FakeGemini() = default;

bool FakeGemini::start(QString *error)
{
    return m_server->start(error);
}

QString FakeGemini::baseUrl() const
{
    return m_server->baseUrl();
}

void FakeGemini::setScenario(Scenario scenario)
{
    QMutexLocker lock(&m_mutex);
    m_scenario = scenario;
    m_calls.clear();
}

void FakeGemini::setDelayMs(int ms)
{
    QMutexLocker lock(&m_mutex);
    m_delayMs = ms;
}

QList<FakeGemini::Call> FakeGemini::calls() const
{
    QMutexLocker lock(&m_mutex);
    return m_calls;
}

int FakeGemini::maxConcurrent() const
{
    const QList<Call> all = calls();
    int most = 0;
    for (const Call &call : all) {
        int open = 0;
        for (const Call &other : all)
            open += other.atMs <= call.atMs && (other.answerAtMs == 0 || other.answerAtMs > call.atMs);
        most = qMax(most, open);
    }
    return most;
}

FakeResponse FakeGemini::answer(const FakeRequest &request)
{
    Call call;
    call.body = request.json();
    call.path = request.path;
    call.query = request.query.toString();
    call.apiKey = request.headers.value("x-goog-api-key");
    call.authorization = request.headers.value("authorization");
    call.atMs = QDateTime::currentMSecsSinceEpoch();
    Scenario scenario;
    int delayMs;
    int earlier = 0;
    {
        QMutexLocker lock(&m_mutex);
        scenario = m_scenario;
        delayMs = m_delayMs;
        earlier = int(m_calls.size());
    }
    const FakeResponse response = [&] {
        if (request.method != "POST" || request.path != QStringLiteral("/v1beta/models/%1:generateContent").arg(model()))
            return FakeResponse::json(404, error(404, QStringLiteral("Requested entity was not found."), QStringLiteral("NOT_FOUND")));
        if (call.apiKey != key().toUtf8())
            return FakeResponse::json(400, error(400, QStringLiteral("API key not valid. Please pass a valid API key."),
                                                 QStringLiteral("INVALID_ARGUMENT")));
        const QJsonObject config = call.body.value(QStringLiteral("generationConfig")).toObject();
        const QString ratio = config.value(QStringLiteral("imageConfig")).toObject().value(QStringLiteral("aspectRatio")).toString();
        const qint64 seed = config.value(QStringLiteral("seed")).toInteger();
        const QJsonObject text{{QStringLiteral("text"), QStringLiteral("Here is your image.")}};
        switch (scenario) {
        case Scenario::ServerErrorOnce:
            if (earlier == 0)
                return FakeResponse::json(500, error(500, QStringLiteral("Internal error encountered."), QStringLiteral("INTERNAL")));
            break;
        case Scenario::SecondCallFailsOnce:
            if (earlier == 1)
                return FakeResponse::json(500, error(500, QStringLiteral("Internal error encountered."), QStringLiteral("INTERNAL")));
            break;
        case Scenario::SecondCallHangs:
            if (earlier == 1)
                return FakeResponse::hang();
            break;
        case Scenario::RateLimitedOnce:
            if (earlier == 0)
                return FakeResponse::json(429, error(429, QStringLiteral("Resource has been exhausted (e.g. check quota)."),
                                                     QStringLiteral("RESOURCE_EXHAUSTED")))
                    .header("Retry-After", "1");
            break;
        case Scenario::BadRequest:
            return FakeResponse::json(400, error(400, QStringLiteral("Unsupported aspect ratio for this model"),
                                                 QStringLiteral("INVALID_ARGUMENT")));
        case Scenario::Blocked:
            return FakeResponse::json(200, {{QStringLiteral("promptFeedback"), QJsonObject{{QStringLiteral("blockReason"), QStringLiteral("SAFETY")}}},
                                            {QStringLiteral("usageMetadata"), usage()}});
        case Scenario::ImageSafety:
            return FakeResponse::json(200, answerWith({}, QStringLiteral("IMAGE_SAFETY")));
        case Scenario::Hang:
            return FakeResponse::hang();
        case Scenario::NotJson:
            return FakeResponse::bytes(200, "<html><body>Service temporarily overloaded</body></html>", "text/html");
        case Scenario::BadImage: {
            const QJsonObject part{{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), QStringLiteral("image/png")},
                                                                             {QStringLiteral("data"), QString::fromLatin1(QByteArray("this is not a picture").toBase64())}}}};
            return FakeResponse::json(200, answerWith({text, part}, QStringLiteral("STOP")));
        }
        case Scenario::TextOnly:
            return FakeResponse::json(200, answerWith({QJsonObject{{QStringLiteral("text"), QStringLiteral("I can describe it instead.")}}},
                                                      QStringLiteral("STOP")));
        case Scenario::SuccessJpeg: {
            const QJsonObject part{{QStringLiteral("inline_data"), QJsonObject{{QStringLiteral("mime_type"), QStringLiteral("image/jpeg")},
                                                                              {QStringLiteral("data"), QString::fromLatin1(picture(sizeFor(ratio), seed, "JPEG").toBase64())}}}};
            return FakeResponse::json(200, answerWith({text, part}, QStringLiteral("STOP"))).delayed(delayMs);
        }
        case Scenario::Success:
            break;
        }
        const QJsonObject part{{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), QStringLiteral("image/png")},
                                                                         {QStringLiteral("data"), QString::fromLatin1(picture(sizeFor(ratio), seed, "PNG").toBase64())}}}};
        return FakeResponse::json(200, answerWith({text, part}, QStringLiteral("STOP"))).delayed(delayMs);
    }();
    if (response.action == FakeResponse::Action::Reply) {
        call.status = response.status;
        call.answerAtMs = QDateTime::currentMSecsSinceEpoch() + response.delayMs;
    }
    QMutexLocker lock(&m_mutex);
    m_calls.append(call);
    return response;
}

} // namespace vesper::test
