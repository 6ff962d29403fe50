#include "backend/providers/geminiprotocol.h"
#include "backend/providers/geminireferences.h"
#include "backend/providers/providerhttp.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <cmath>

namespace vesper::backend::gemini {
namespace {
const QString kProvider = QStringLiteral("Gemini");

// Finish and block reasons that mean Gemini would not draw this prompt (rather than a fault).
const QSet<QString> &refusals()
{
    static const QSet<QString> reasons{
        QStringLiteral("SAFETY"), QStringLiteral("PROHIBITED_CONTENT"), QStringLiteral("IMAGE_SAFETY"),
        QStringLiteral("IMAGE_PROHIBITED_CONTENT"), QStringLiteral("NO_IMAGE"), QStringLiteral("IMAGE_OTHER"),
        QStringLiteral("BLOCKLIST"), QStringLiteral("SPII"), QStringLiteral("RECITATION"), QStringLiteral("IMAGE_RECITATION")};
    return reasons;
}

// A reason code as Gemini spells them (upper case and underscores), so nothing else reaches the user.
QString reasonCode(const QString &reason)
{
    QString code;
    for (const QChar c : reason.left(40)) {
        if ((c >= QLatin1Char('A') && c <= QLatin1Char('Z')) || c == QLatin1Char('_') || c.isDigit())
            code += c;
    }
    return code.isEmpty() ? QStringLiteral("unspecified") : code;
}

// A refusal, worded for where it came from: the prompt itself, or the picture Gemini drew (or did
// not draw). Gemini's own finishMessage, when it gave one, follows; it names the policy, not the prompt.
ProviderResult declined(const QString &reason, bool promptBlocked, const QString &finishMessage = QString())
{
    const QString code = reasonCode(reason);
    QString what;
    if (promptBlocked)
        what = QStringLiteral("Gemini declined the prompt (%1)");
    else if (code == QLatin1String("IMAGE_SAFETY") || code == QLatin1String("IMAGE_PROHIBITED_CONTENT")
             || code == QLatin1String("IMAGE_RECITATION") || code == QLatin1String("IMAGE_OTHER"))
        what = QStringLiteral("Gemini made an image but withheld it under its content policy (%1)");
    else if (code == QLatin1String("NO_IMAGE"))
        what = QStringLiteral("Gemini answered without making an image (%1); rephrasing the prompt may help");
    else if (code == QLatin1String("PROHIBITED_CONTENT") || code == QLatin1String("SAFETY") || code == QLatin1String("BLOCKLIST")
             || code == QLatin1String("SPII"))
        what = QStringLiteral("Gemini stopped its answer under its content policy (%1)");
    else
        what = QStringLiteral("Gemini stopped without an image (%1)");
    ProviderResult result;
    result.errorCode = errorCodeName(ErrorCode::ProviderError);
    result.errorMessage = what.arg(code);
    const QString detail = boundedText(finishMessage, 240);
    if (!detail.isEmpty())
        result.errorMessage += QStringLiteral(": ") + detail;
    return result;
}

// Both spellings occur: the REST answer uses camelCase, the documented request uses snake_case.
QJsonValue either(const QJsonObject &o, const QString &camel, const QString &snake)
{
    return o.contains(camel) ? o.value(camel) : o.value(snake);
}
} // namespace

QJsonObject contents(const GenerationRequest &request)
{
    QString text = request.prompt;
    if (!request.negativePrompt.trimmed().isEmpty())
        text += QStringLiteral("\n\nAvoid: ") + request.negativePrompt.trimmed();
    QJsonArray parts{QJsonObject{{QStringLiteral("text"), text}}};
    for (const QByteArray &reference : request.referenceImages) {
        QString mime;
        const QByteArray sent = referenceForUpload(reference, &mime);
        parts.append(QJsonObject{{QStringLiteral("inline_data"),
                                  QJsonObject{{QStringLiteral("mime_type"), mime},
                                              {QStringLiteral("data"), QString::fromLatin1(sent.toBase64())}}}});
    }
    return {{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("parts"), parts}};
}

QByteArray body(const QJsonObject &contents, const QString &aspectRatio, qint64 seed)
{
    const QJsonObject config{
        {QStringLiteral("responseModalities"), QJsonArray{QStringLiteral("TEXT"), QStringLiteral("IMAGE")}},
        {QStringLiteral("imageConfig"), QJsonObject{{QStringLiteral("aspectRatio"), aspectRatio}}},
        {QStringLiteral("seed"), seed}};
    const QJsonObject root{{QStringLiteral("contents"), QJsonArray{contents}}, {QStringLiteral("generationConfig"), config}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

qint64 seedFor(qint64 seed, int index)
{
    constexpr qint64 kRange = qint64(1) << 31;
    const qint64 folded = (seed % kRange + index) % kRange;
    return folded < 0 ? folded + kRange : folded;
}

bool readImage(const QByteArray &answer, GeneratedImage *image, ProviderResult *failure)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(answer, &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        *failure = badResponse(kProvider, QStringLiteral("the answer is not JSON"));
        return false;
    }
    const QJsonObject root = doc.object();
    const QJsonArray candidates = root.value(QStringLiteral("candidates")).toArray();
    const QString blockReason = root.value(QStringLiteral("promptFeedback")).toObject().value(QStringLiteral("blockReason")).toString();
    if (candidates.isEmpty()) {
        *failure = blockReason.isEmpty() ? badResponse(kProvider, QStringLiteral("the answer has no candidates")) : declined(blockReason, true);
        return false;
    }
    const QJsonObject candidate = candidates.first().toObject();
    bool hasText = false;
    for (const QJsonValue &value : candidate.value(QStringLiteral("content")).toObject().value(QStringLiteral("parts")).toArray()) {
        const QJsonObject part = value.toObject();
        // Thinking models show their drafts as parts marked "thought": the answer is what follows.
        if (part.value(QStringLiteral("thought")).toBool())
            continue;
        hasText = hasText || !part.value(QStringLiteral("text")).toString().trimmed().isEmpty();
        const QJsonObject inlineData = either(part, QStringLiteral("inlineData"), QStringLiteral("inline_data")).toObject();
        const QString declaredMime = either(inlineData, QStringLiteral("mimeType"), QStringLiteral("mime_type")).toString();
        if (inlineData.isEmpty() || !declaredMime.startsWith(QLatin1String("image/")))
            continue;
        const auto decoded = QByteArray::fromBase64Encoding(inlineData.value(QStringLiteral("data")).toString().toLatin1(),
                                                           QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.isEmpty()) {
            *failure = badResponse(kProvider, QStringLiteral("the image data is not base64"));
            return false;
        }
        // PNG, JPEG or WebP by their bytes, decoded (the image spares the runner a second decode for
        // the thumbnail); anything else Qt happens to read (BMP, GIF...) is not stored.
        if (!decodeProviderImage(decoded.decoded, image)) {
            *failure = badResponse(kProvider, QStringLiteral("the image is not a PNG, JPEG or WebP that decodes"));
            return false;
        }
        return true;
    }
    const QString finishReason = candidate.value(QStringLiteral("finishReason")).toString();
    const QString finishMessage = candidate.value(QStringLiteral("finishMessage")).toString();
    if (refusals().contains(finishReason)) {
        *failure = declined(finishReason, false, finishMessage);
    } else if (!blockReason.isEmpty()) {
        *failure = declined(blockReason, true);
    } else if (hasText) {
        // Gemini sometimes answers with words instead of a picture; its text may quote the prompt,
        // so it is not passed on.
        failure->errorCode = errorCodeName(ErrorCode::ProviderError);
        failure->errorMessage = QStringLiteral("Gemini answered with text but no image; rephrasing the prompt may help");
        failure->transient = false;
    } else {
        *failure = badResponse(kProvider, QStringLiteral("the answer has no image"));
    }
    return false;
}

int retryDelaySeconds(const QByteArray &errorBody)
{
    // {"error": {"details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "38s"}]}}:
    // a protobuf Duration, decimal seconds with an "s".
    const QJsonArray details = QJsonDocument::fromJson(errorBody).object().value(QStringLiteral("error")).toObject()
                                   .value(QStringLiteral("details")).toArray();
    for (const QJsonValue &value : details) {
        const QJsonObject detail = value.toObject();
        if (!detail.value(QStringLiteral("@type")).toString().endsWith(QLatin1String("google.rpc.RetryInfo")))
            continue;
        QString delay = detail.value(QStringLiteral("retryDelay")).toString().trimmed();
        if (!delay.endsWith(QLatin1Char('s')))
            continue;
        delay.chop(1);
        bool ok = false;
        const double seconds = delay.toDouble(&ok);
        if (ok && seconds >= 0 && seconds < 86400)
            return int(std::ceil(seconds));
    }
    return -1;
}

ProviderResult failed(const ProviderResponse &response, int budgetSeconds)
{
    ProviderResult result = failedCall(response, kProvider);
    if (response.failure != ProviderResponse::Failure::None || response.status != 429)
        return result;
    // A quota, not an outage: the wait Gemini names is the retry's delay. One longer than the job
    // may take (a daily quota) fails now and says when to try again.
    const int delay = qMax(result.retryAfterSeconds, retryDelaySeconds(response.body));
    result.errorCode = errorCodeName(ErrorCode::RateLimited);
    result.retryAfterSeconds = qMax(delay, 0);
    if (delay > budgetSeconds) {
        result.transient = false;
        result.errorMessage = QStringLiteral("Gemini's quota is used up for now: retry in %1 s").arg(delay);
    } else if (delay > 0) {
        // Shown only if no attempt is left to wait for it (the runner then says it gave up).
        result.errorMessage = QStringLiteral("Gemini's quota is used up for now (it asked for a %1 s wait)").arg(delay);
    }
    return result;
}

} // namespace vesper::backend::gemini
