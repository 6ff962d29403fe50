#include "backend/assistant/anthropicstream.h"
#include "backend/assistant/assistantprompt.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

bool AnthropicStream::take(const SseMessage &event)
{
    if (m_finished || m_failed)
        return false;
    const QJsonDocument doc = QJsonDocument::fromJson(event.data.toUtf8());
    if (!doc.isObject()) {
        m_failed = true;
        m_malformed = true;
        m_errorMessage = QStringLiteral("an event that is not JSON");
        return false;
    }
    const QJsonObject o = doc.object();
    const QString type = o.value(QStringLiteral("type")).toString(event.event);
    const int index = o.value(QStringLiteral("index")).toInt(-1);
    if (type == QLatin1String("content_block_start")) {
        const QJsonObject block = o.value(QStringLiteral("content_block")).toObject();
        const QString blockType = block.value(QStringLiteral("type")).toString();
        m_blockTypes.insert(index, blockType);
        if (blockType == QLatin1String("tool_use") && block.value(QStringLiteral("name")).toString() == suggestToolName())
            m_toolParts.insert(index, QByteArray());
        const QString initial = block.value(QStringLiteral("text")).toString();
        if (blockType == QLatin1String("text") && !initial.isEmpty()) {
            m_text += initial;
            ++m_deltas;
            if (m_onDelta)
                m_onDelta(initial);
        }
    } else if (type == QLatin1String("content_block_delta")) {
        const QJsonObject delta = o.value(QStringLiteral("delta")).toObject();
        const QString deltaType = delta.value(QStringLiteral("type")).toString();
        if (deltaType == QLatin1String("text_delta")) {
            const QString piece = delta.value(QStringLiteral("text")).toString();
            if (!piece.isEmpty()) {
                m_text += piece;
                ++m_deltas;
                if (m_onDelta)
                    m_onDelta(piece);
            }
        } else if (deltaType == QLatin1String("input_json_delta") && m_toolParts.contains(index)) {
            m_toolParts[index] += delta.value(QStringLiteral("partial_json")).toString().toUtf8();
        }
    } else if (type == QLatin1String("content_block_stop")) {
        if (m_toolParts.contains(index) && m_toolInput.isEmpty())
            m_toolInput = m_toolParts.take(index); // the first call counts; the rules ask for one
    } else if (type == QLatin1String("message_delta")) {
        const QString reason = o.value(QStringLiteral("delta")).toObject().value(QStringLiteral("stop_reason")).toString();
        if (!reason.isEmpty())
            m_stopReason = reason;
    } else if (type == QLatin1String("message_stop")) {
        m_finished = true;
        return false;
    } else if (type == QLatin1String("error")) {
        const QJsonObject error = o.value(QStringLiteral("error")).toObject();
        m_failed = true;
        m_errorType = error.value(QStringLiteral("type")).toString();
        m_errorMessage = error.value(QStringLiteral("message")).toString();
        return false;
    }
    // message_start, ping and event types added later carry nothing this reply needs
    return true;
}

} // namespace vesper::backend
