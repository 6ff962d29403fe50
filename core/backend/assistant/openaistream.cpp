#include "backend/assistant/openaistream.h"
#include "backend/assistant/assistantprompt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace vesper::backend {

bool OpenAiStream::take(const SseMessage &event)
{
    if (m_done || m_failed)
        return false;
    const QString data = event.data.trimmed();
    if (data == QLatin1String("[DONE]")) {
        m_done = true;
        return false;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(data.toUtf8());
    if (!doc.isObject()) {
        m_failed = m_malformed = true;
        m_errorMessage = QStringLiteral("an event that is not JSON");
        return false;
    }
    const QJsonObject o = doc.object();
    const QJsonValue error = o.value(QStringLiteral("error"));
    if (!error.isUndefined() && !error.isNull()) { // a server that fails mid-stream (vLLM, llama.cpp, LM Studio)
        m_failed = true;
        m_errorMessage = error.isObject() ? error.toObject().value(QStringLiteral("message")).toString() : error.toString();
        return false;
    }
    for (const QJsonValue &choiceValue : o.value(QStringLiteral("choices")).toArray()) {
        const QJsonObject choice = choiceValue.toObject();
        if (choice.value(QStringLiteral("index")).toInt(0) != 0)
            continue; // n = 1 is asked for; ignore any other choice
        const QJsonObject delta = choice.value(QStringLiteral("delta")).toObject();
        const QString content = delta.value(QStringLiteral("content")).toString();
        if (!content.isEmpty()) {
            ++m_pieces;
            if (m_onText)
                m_onText(content);
        }
        const QJsonArray calls = delta.value(QStringLiteral("tool_calls")).toArray();
        for (qsizetype i = 0; i < calls.size(); ++i) {
            const QJsonObject call = calls.at(i).toObject();
            const int index = call.value(QStringLiteral("index")).toInt(int(i));
            const QJsonObject function = call.value(QStringLiteral("function")).toObject();
            ToolCall &entry = m_calls[index];
            if (entry.name.isEmpty())
                entry.name = function.value(QStringLiteral("name")).toString();
            const QJsonValue arguments = function.value(QStringLiteral("arguments"));
            if (arguments.isString())
                entry.arguments += arguments.toString().toUtf8();
            else if (arguments.isObject()) // Ollama has sent whole objects
                entry.arguments += QJsonDocument(arguments.toObject()).toJson(QJsonDocument::Compact);
        }
        const QString reason = choice.value(QStringLiteral("finish_reason")).toString();
        if (!reason.isEmpty())
            m_finishReason = reason;
    }
    return true;
}

QByteArray OpenAiStream::toolArguments() const
{
    for (const ToolCall &call : m_calls) {
        if (call.name == suggestToolName())
            return call.arguments;
    }
    return {};
}

} // namespace vesper::backend
