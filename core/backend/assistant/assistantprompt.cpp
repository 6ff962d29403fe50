#include "backend/assistant/assistantprompt.h"
#include "common/logging.h"

#include <QJsonArray>

namespace vesper::backend {
namespace {
QJsonObject stringProperty(const QString &description)
{
    return {{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("description"), description}};
}
} // namespace

QString suggestToolName()
{
    return QStringLiteral("suggest_prompts");
}

QString suggestToolDescription()
{
    return QStringLiteral("Hand the user one to three complete prompts they can apply to the prompt bar with one click.");
}

QJsonObject suggestToolSchema()
{
    QJsonObject parameters{{QStringLiteral("type"), QStringLiteral("object")},
                           {QStringLiteral("description"),
                            QStringLiteral("Only when a change helps: aspectRatio (\"1:1\", \"16:9\", ...), resolution, numOutputs, seed.")}};
    QJsonObject suggestion{
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("properties"),
         QJsonObject{{QStringLiteral("prompt"), stringProperty(QStringLiteral("The whole prompt, ready to send."))},
                     {QStringLiteral("negativePrompt"), stringProperty(QStringLiteral("What to avoid, for models that take one."))},
                     {QStringLiteral("rationale"), stringProperty(QStringLiteral("One line: what changed and why."))},
                     {QStringLiteral("parameters"), parameters}}},
        {QStringLiteral("required"), QJsonArray{QStringLiteral("prompt"), QStringLiteral("rationale")}}};
    return {{QStringLiteral("type"), QStringLiteral("object")},
            {QStringLiteral("properties"),
             QJsonObject{{QStringLiteral("suggestions"), QJsonObject{{QStringLiteral("type"), QStringLiteral("array")},
                                                                     {QStringLiteral("items"), suggestion}}}}},
            {QStringLiteral("required"), QJsonArray{QStringLiteral("suggestions")}}};
}

QString assistantSystemPrompt(const AssistantRequest &request, bool fencedFallback)
{
    const PromptContext &c = request.context;
    QString out = QStringLiteral(
        "You are the prompt assistant inside Vesper Studio, an app for generating images and videos. "
        "You help the user improve the prompt in their prompt bar. Reply briefly in Markdown, in the user's language.\n\n");
    out += QStringLiteral("## Rules\n"
                          "- Keep the user's subject and their own wording; add what is missing rather than rewriting.\n"
                          "- Never invent facts about the user's product, brand, people or places; ask instead.\n"
                          "- Do not repeat what the prompt already says.\n"
                          "- Give concrete suggestions by calling the %1 tool once, after your short explanation; "
                          "each suggestion is a complete prompt with a one-line rationale.\n")
               .arg(suggestToolName());
    if (fencedFallback)
        out += QStringLiteral("- If you cannot call tools, end your reply with one fenced ```json block holding "
                              "{\"suggestions\":[{\"prompt\":\"...\",\"negativePrompt\":\"...\",\"rationale\":\"...\",\"parameters\":{}}]} "
                              "(negativePrompt and parameters optional) and nothing after it.\n");
    out += QStringLiteral("\n## Context\n");
    out += QStringLiteral("- Generation type: %1\n").arg(c.generationType.isEmpty() ? QStringLiteral("image") : c.generationType);
    out += QStringLiteral("- Model: %1\n").arg(c.modelId.isEmpty() ? QStringLiteral("(not chosen)") : c.modelId);
    out += QStringLiteral("- Reference images attached: %1\n").arg(c.referenceCount);
    out += QStringLiteral("- Current prompt (between the markers):\n<<<PROMPT\n%1\nPROMPT>>>\n")
               .arg(c.currentPrompt.isEmpty() ? QStringLiteral("(empty)") : c.currentPrompt);
    if (!request.skills.isEmpty()) {
        out += QStringLiteral("\n## Skills to apply\n");
        for (const SkillText &skill : request.skills)
            out += QStringLiteral("\n### %1\n%2\n\n%3\n").arg(skill.summary.name, skill.summary.description, skill.body.trimmed());
    }
    return out;
}

std::optional<QList<Suggestion>> suggestionsFromJson(const QJsonObject &input, QString *error)
{
    const QJsonValue list = input.value(QStringLiteral("suggestions"));
    if (!list.isArray()) {
        if (error)
            *error = QStringLiteral("no suggestions list");
        return std::nullopt;
    }
    QList<Suggestion> out;
    for (const QJsonValue &item : list.toArray()) {
        QString why;
        const auto suggestion = item.isObject() ? Suggestion::fromJson(item.toObject(), &why) : std::nullopt;
        if (suggestion && !suggestion->prompt.trimmed().isEmpty())
            out.append(*suggestion);
        else
            qCWarning(lcAssistant) << "skipped a suggestion the codec refused:" << (why.isEmpty() ? QStringLiteral("not an object") : why);
    }
    return out;
}

QList<ChatMessage> conversationFor(const AssistantRequest &request)
{
    QList<ChatMessage> out;
    for (const ChatMessage &m : request.messages) {
        if ((m.role != QLatin1String("user") && m.role != QLatin1String("assistant")) || m.content.trimmed().isEmpty())
            continue;
        if (out.isEmpty() && m.role != QLatin1String("user"))
            continue; // both APIs want the user to speak first
        if (!out.isEmpty() && out.last().role == m.role) {
            out.last().content += QStringLiteral("\n\n") + m.content; // and turns to alternate
            continue;
        }
        out.append(m);
    }
    if (out.isEmpty())
        out.append({QStringLiteral("user"), QStringLiteral("Please suggest a better prompt.")});
    return out;
}

} // namespace vesper::backend
