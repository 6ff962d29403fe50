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

// A 429 as the Gemini API sends it: the wait is in error.details (RetryInfo), next to the quota hit.
QJsonObject quotaError(const QString &retryDelay)
{
    const QJsonObject quota{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.QuotaFailure")},
                            {QStringLiteral("violations"), QJsonArray{QJsonObject{
                                 {QStringLiteral("quotaMetric"), QStringLiteral("generativelanguage.googleapis.com/generate_content_free_tier_requests")},
                                 {QStringLiteral("quotaId"), QStringLiteral("GenerateRequestsPerMinutePerProjectPerModel-FreeTier")}}}}};
    const QJsonObject help{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.Help")},
                           {QStringLiteral("links"), QJsonArray{QJsonObject{{QStringLiteral("description"), QStringLiteral("Learn more about Gemini API quotas")},
                                                                            {QStringLiteral("url"), QStringLiteral("https://ai.google.dev/gemini-api/docs/rate-limits")}}}}};
    const QJsonObject retry{{QStringLiteral("@type"), QStringLiteral("type.googleapis.com/google.rpc.RetryInfo")},
                            {QStringLiteral("retryDelay"), retryDelay}};
    QJsonObject body = error(429, QStringLiteral("You exceeded your current quota, please check your plan and billing details."),
                             QStringLiteral("RESOURCE_EXHAUSTED"));
    QJsonObject inner = body.value(QStringLiteral("error")).toObject();
    inner.insert(QStringLiteral("details"), QJsonArray{quota, help, retry});
    body.insert(QStringLiteral("error"), inner);
    return body;
}

// What Gemini answers 400 INVALID_ARGUMENT to, or an empty string for a request it accepts.
QString invalidRequest(const FakeRequest &request, const QJsonObject &body)
{
    if (request.body.size() > 20 * 1024 * 1024)
        return QStringLiteral("Request payload size exceeds the limit: 20971520 bytes.");
    if (body.isEmpty())
        return QStringLiteral("Invalid JSON payload received.");
    const QJsonArray contents = body.value(QStringLiteral("contents")).toArray();
    if (contents.isEmpty())
        return QStringLiteral("* GenerateContentRequest.contents: contents is not specified");
    for (const QJsonValue &content : contents) {
        const QJsonArray parts = content.toObject().value(QStringLiteral("parts")).toArray();
        if (parts.isEmpty())
            return QStringLiteral("* GenerateContentRequest.contents[0].parts: contents.parts must not be empty.");
        for (const QJsonValue &value : parts) {
            const QJsonObject part = value.toObject();
            const QJsonObject data = part.contains(QStringLiteral("inline_data")) ? part.value(QStringLiteral("inline_data")).toObject()
                                                                                : part.value(QStringLiteral("inlineData")).toObject();
            if (data.isEmpty()) {
                if (!part.value(QStringLiteral("text")).isString())
                    return QStringLiteral("* GenerateContentRequest.contents[0].parts[0].data: required oneof field 'data' must have one initialized field");
                continue;
            }
            const QString mime = data.contains(QStringLiteral("mime_type")) ? data.value(QStringLiteral("mime_type")).toString()
                                                                           : data.value(QStringLiteral("mimeType")).toString();
            if (!QStringList{QStringLiteral("image/png"), QStringLiteral("image/jpeg"), QStringLiteral("image/webp"),
                             QStringLiteral("image/heic"), QStringLiteral("image/heif")}.contains(mime))
                return QStringLiteral("Unsupported MIME type: %1").arg(mime);
            const auto decoded = QByteArray::fromBase64Encoding(data.value(QStringLiteral("data")).toString().toLatin1(),
                                                               QByteArray::AbortOnBase64DecodingErrors);
            if (!decoded || decoded.decoded.isEmpty())
                return QStringLiteral("Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed");
        }
    }
    const QJsonObject config = body.value(QStringLiteral("generationConfig")).toObject();
    const QJsonValue ratio = config.value(QStringLiteral("imageConfig")).toObject().value(QStringLiteral("aspectRatio"));
    static const QStringList ratios{QStringLiteral("1:1"), QStringLiteral("2:3"), QStringLiteral("3:2"), QStringLiteral("3:4"),
                                    QStringLiteral("4:3"), QStringLiteral("4:5"), QStringLiteral("5:4"), QStringLiteral("9:16"),
                                    QStringLiteral("16:9"), QStringLiteral("21:9")};
    if (!ratio.isUndefined() && !ratios.contains(ratio.toString()))
        return QStringLiteral("Unsupported aspect ratio: %1").arg(ratio.toString());
    const QJsonValue seed = config.value(QStringLiteral("seed"));
    if (!seed.isUndefined() && (!seed.isDouble() || seed.toDouble() != double(qint64(seed.toDouble())) || seed.toDouble() > 2147483647.0
                                || seed.toDouble() < -2147483648.0))
        return QStringLiteral("Invalid value at 'generation_config.seed' (TYPE_INT32)");
    return {};
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
        if (call.apiKey.isEmpty())
            return FakeResponse::json(403, error(403, QStringLiteral("Method doesn't allow unregistered callers (callers without established identity). "
                                                                     "Please use API Key or other form of API consumer identity to call this API."),
                                                 QStringLiteral("PERMISSION_DENIED")));
        if (call.apiKey == blockedKey().toUtf8())
            return FakeResponse::json(403, error(403, QStringLiteral("Your API key was reported as leaked. Please use another API key."),
                                                 QStringLiteral("PERMISSION_DENIED")));
        if (call.apiKey != key().toUtf8())
            return FakeResponse::json(400, error(400, QStringLiteral("API key not valid. Please pass a valid API key."),
                                                 QStringLiteral("INVALID_ARGUMENT")));
        const QString invalid = invalidRequest(request, call.body);
        if (!invalid.isEmpty())
            return FakeResponse::json(400, error(400, invalid, QStringLiteral("INVALID_ARGUMENT")));
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
        case Scenario::UnavailableOnce:
            if (earlier == 0)
                return FakeResponse::json(503, error(503, QStringLiteral("The model is overloaded. Please try again later."),
                                                     QStringLiteral("UNAVAILABLE")));
            break;
        case Scenario::QuotaRetryOnce:
            if (earlier == 0)
                return FakeResponse::json(429, quotaError(QStringLiteral("2s")));
            break;
        case Scenario::QuotaExhausted:
            return FakeResponse::json(429, quotaError(QStringLiteral("38.417s")));
        case Scenario::QuotaAlways:
            return FakeResponse::json(429, quotaError(QStringLiteral("1s")));
        case Scenario::ProhibitedContent:
            return FakeResponse::json(200, {{QStringLiteral("promptFeedback"), QJsonObject{{QStringLiteral("blockReason"), QStringLiteral("PROHIBITED_CONTENT")}}},
                                            {QStringLiteral("usageMetadata"), usage()}});
        case Scenario::NoImage: {
            QJsonObject answer = answerWith({}, QStringLiteral("NO_IMAGE"));
            QJsonArray candidates = answer.value(QStringLiteral("candidates")).toArray();
            QJsonObject candidate = candidates.at(0).toObject();
            candidate.insert(QStringLiteral("finishMessage"), QStringLiteral("The model did not generate an image for this request."));
            candidate.remove(QStringLiteral("content"));
            candidates.replace(0, candidate);
            answer.insert(QStringLiteral("candidates"), candidates);
            return FakeResponse::json(200, answer);
        }
        case Scenario::Thoughts: {
            // A thinking model's answer: its reasoning and a draft image marked thought, then the image.
            QImage draft(sizeFor(ratio), QImage::Format_RGB32);
            draft.fill(draftColour());
            QByteArray draftBytes;
            QBuffer buffer(&draftBytes);
            buffer.open(QIODevice::WriteOnly);
            draft.save(&buffer, "PNG");
            const QJsonObject thoughtText{{QStringLiteral("text"), QStringLiteral("**Composing the scene**\nI will place the subject centrally.")},
                                          {QStringLiteral("thought"), true}};
            const QJsonObject thoughtImage{{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), QStringLiteral("image/png")},
                                                                                     {QStringLiteral("data"), QString::fromLatin1(draftBytes.toBase64())}}},
                                           {QStringLiteral("thought"), true}};
            const QJsonObject part{{QStringLiteral("inlineData"), QJsonObject{{QStringLiteral("mimeType"), QStringLiteral("image/png")},
                                                                             {QStringLiteral("data"), QString::fromLatin1(picture(sizeFor(ratio), seed, "PNG").toBase64())}}},
                                   {QStringLiteral("thoughtSignature"), QStringLiteral("CiQB0e2Kb2x0c2lnbmF0dXJl")}};
            return FakeResponse::json(200, answerWith({thoughtText, thoughtImage, text, part}, QStringLiteral("STOP"))).delayed(delayMs);
        }
        case Scenario::BadRequest:
            return FakeResponse::json(400, error(400, QStringLiteral("Unsupported aspect ratio for this model"),
                                                 QStringLiteral("INVALID_ARGUMENT")));
        case Scenario::Blocked:
            return FakeResponse::json(200, {{QStringLiteral("promptFeedback"), QJsonObject{{QStringLiteral("blockReason"), QStringLiteral("SAFETY")}}},
                                            {QStringLiteral("usageMetadata"), usage()}});
        case Scenario::ImageSafety: {
            QJsonObject answer = answerWith({}, QStringLiteral("IMAGE_SAFETY"));
            QJsonArray candidates = answer.value(QStringLiteral("candidates")).toArray();
            QJsonObject candidate = candidates.at(0).toObject();
            candidate.insert(QStringLiteral("finishMessage"),
                             QStringLiteral("Unable to show the generated image. The image was filtered out because it violated "
                                            "Google's Generative AI Prohibited Use policy. You will not be charged for blocked images."));
            candidates.replace(0, candidate);
            answer.insert(QStringLiteral("candidates"), candidates);
            return FakeResponse::json(200, answer);
        }
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
