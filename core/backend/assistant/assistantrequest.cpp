#include "backend/assistant/assistantrequest.h"
#include "backend/catalog/modelcatalog.h"
#include "backend/skills/skillregistry.h"
#include "domain/domainerror.h"

#include <QJsonArray>
#include <cmath>

namespace vesper::backend {
namespace {

DomainError invalid(const QString &message)
{
    return DomainError::validation(message);
}

QString optionalText(const QJsonObject &object, const QString &key, const QString &path, int maxLength)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString())
        throw invalid(QStringLiteral("%1 must be a string").arg(path));
    if (value.toString().size() > maxLength)
        throw invalid(QStringLiteral("%1 is longer than %2 characters").arg(path).arg(maxLength));
    return value.toString();
}

/// The model's generation type from the catalogue; a model id it does not know is a 400.
QString typeOfModel(const QString &modelId, const QString &path, const ModelCatalog &catalog)
{
    if (modelId.isEmpty())
        return QStringLiteral("image");
    const std::optional<QJsonObject> model = catalog.find(modelId);
    if (!model)
        throw invalid(QStringLiteral("%1: unknown model \"%2\"").arg(path, modelId.left(100)));
    return model->value(QStringLiteral("type")).toString(QStringLiteral("image"));
}

PromptContext readContext(const QJsonValue &value, const ModelCatalog &catalog, const AssistantLimits &limits)
{
    PromptContext context;
    if (value.isUndefined() || value.isNull())
        return context;
    if (!value.isObject())
        throw invalid(QStringLiteral("context must be an object"));
    const QJsonObject object = value.toObject();
    context.currentPrompt = optionalText(object, QStringLiteral("currentPrompt"), QStringLiteral("context.currentPrompt"), limits.maxMessageChars);
    context.modelId = optionalText(object, QStringLiteral("modelId"), QStringLiteral("context.modelId"), 100);
    const QString type = optionalText(object, QStringLiteral("generationType"), QStringLiteral("context.generationType"), 20);
    const QString modelType = typeOfModel(context.modelId, QStringLiteral("context.modelId"), catalog);
    context.generationType = type.isEmpty() ? modelType : type;
    if (context.generationType != QLatin1String("image") && context.generationType != QLatin1String("video"))
        throw invalid(QStringLiteral("context.generationType must be \"image\" or \"video\""));
    const QJsonValue references = object.value(QStringLiteral("referenceCount"));
    if (!references.isUndefined() && !references.isNull()) {
        const double count = references.toDouble(-1);
        if (!references.isDouble() || std::floor(count) != count || count < 0 || count > limits.maxReferences)
            throw invalid(QStringLiteral("context.referenceCount must be a whole number from 0 to %1").arg(limits.maxReferences));
        context.referenceCount = int(count);
    }
    return context;
}

QList<ChatMessage> readMessages(const QJsonValue &value, const AssistantLimits &limits)
{
    if (!value.isArray())
        throw invalid(QStringLiteral("messages must be an array of {role, content}"));
    const QJsonArray array = value.toArray();
    if (array.isEmpty() || array.size() > limits.maxMessages)
        throw invalid(QStringLiteral("messages must hold 1 to %1 messages").arg(limits.maxMessages));
    QList<ChatMessage> messages;
    messages.reserve(array.size());
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("messages[%1]").arg(i);
        if (!array.at(i).isObject())
            throw invalid(QStringLiteral("%1 must be an object {role, content}").arg(path));
        QString problem;
        const std::optional<ChatMessage> message = ChatMessage::fromJson(array.at(i).toObject(), &problem);
        if (!message)
            throw invalid(QStringLiteral("%1: %2").arg(path, problem));
        if (message->content.size() > limits.maxMessageChars)
            throw invalid(QStringLiteral("%1.content is longer than %2 characters").arg(path).arg(limits.maxMessageChars));
        messages.append(*message);
    }
    if (messages.last().role != QLatin1String("user"))
        throw invalid(QStringLiteral("messages: the last message must be the user's"));
    return messages;
}

} // namespace

QList<SkillText> chooseSkills(const QJsonValue &skillIds, SkillRegistry &skills, const PromptContext &context, const AssistantLimits &limits)
{
    if (skillIds.isUndefined() || skillIds.isNull())
        return skills.defaultsFor(context.generationType, context.modelId);
    if (!skillIds.isArray())
        throw invalid(QStringLiteral("skillIds must be an array of skill ids"));
    const QJsonArray ids = skillIds.toArray();
    if (ids.size() > limits.maxSkills)
        throw invalid(QStringLiteral("skillIds: at most %1 skills").arg(limits.maxSkills));
    QList<SkillText> chosen;
    QStringList seen;
    for (const QJsonValue &value : ids) {
        if (!value.isString() || !isValidSkillId(value.toString()))
            throw invalid(QStringLiteral("skillIds: each id is lowercase letters, digits and dashes"));
        const QString id = value.toString();
        if (seen.contains(id))
            continue;
        seen.append(id);
        std::optional<SkillText> skill = skills.find(id);
        if (!skill)
            throw invalid(QStringLiteral("skillIds: unknown skill \"%1\"").arg(id));
        chosen.append(std::move(*skill));
    }
    return chosen;
}

AssistantRequest parseChatRequest(const QJsonObject &body, SkillRegistry &skills, const ModelCatalog &catalog, const AssistantLimits &limits)
{
    AssistantRequest request;
    request.messages = readMessages(body.value(QStringLiteral("messages")), limits);
    request.context = readContext(body.value(QStringLiteral("context")), catalog, limits);
    request.skills = chooseSkills(body.value(QStringLiteral("skillIds")), skills, request.context, limits);
    return request;
}

EnhanceRequest parseEnhanceRequest(const QJsonObject &body, SkillRegistry &skills, const ModelCatalog &catalog, const AssistantLimits &limits)
{
    EnhanceRequest request;
    const QJsonValue prompt = body.value(QStringLiteral("prompt"));
    if (!prompt.isString())
        throw invalid(QStringLiteral("prompt must be a string"));
    request.prompt = prompt.toString();
    if (request.prompt.size() > limits.maxMessageChars)
        throw invalid(QStringLiteral("prompt is longer than %1 characters").arg(limits.maxMessageChars));
    request.context.currentPrompt = request.prompt;
    request.context.modelId = optionalText(body, QStringLiteral("modelId"), QStringLiteral("modelId"), 100);
    request.context.generationType = typeOfModel(request.context.modelId, QStringLiteral("modelId"), catalog);
    request.skills = chooseSkills(body.value(QStringLiteral("skillIds")), skills, request.context, limits);
    return request;
}

} // namespace vesper::backend
