#include "domain/assistant.h"
#include "domain/jsonreader.h"

#include <QJsonArray>

namespace vesper {

namespace {

QStringList optionalStrings(JsonReader &r, const char *key)
{
    return r.contains(key) ? r.stringList(key) : QStringList();
}

template <typename T>
QJsonArray toArray(const QList<T> &items)
{
    QJsonArray array;
    for (const T &item : items)
        array.append(item.toJson());
    return array;
}

} // namespace

std::optional<ChatMessage> ChatMessage::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    ChatMessage m;
    m.role = r.string("role");
    m.content = r.string("content");
    if (r.ok() && m.role != QLatin1String("user") && m.role != QLatin1String("assistant"))
        r.fail("role", QStringLiteral("expected \"user\" or \"assistant\""));
    if (!r.finish(error))
        return std::nullopt;
    return m;
}

QJsonObject ChatMessage::toJson() const
{
    return QJsonObject{{QStringLiteral("role"), role}, {QStringLiteral("content"), content}};
}

std::optional<PromptContext> PromptContext::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    PromptContext c;
    c.currentPrompt = r.optionalString("currentPrompt").value_or(QString());
    c.modelId = r.optionalString("modelId").value_or(QString());
    c.generationType = r.optionalString("generationType").value_or(QStringLiteral("image"));
    c.referenceCount = int(r.optionalInteger("referenceCount").value_or(0));
    if (!r.finish(error))
        return std::nullopt;
    return c;
}

QJsonObject PromptContext::toJson() const
{
    return QJsonObject{{QStringLiteral("currentPrompt"), currentPrompt},
                       {QStringLiteral("modelId"), modelId},
                       {QStringLiteral("generationType"), generationType},
                       {QStringLiteral("referenceCount"), referenceCount}};
}

std::optional<Suggestion> Suggestion::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    Suggestion s;
    s.prompt = r.string("prompt");
    s.negativePrompt = r.optionalString("negativePrompt");
    s.rationale = r.optionalString("rationale").value_or(QString());
    if (r.contains("parameters"))
        s.parameters = r.object("parameters");
    if (!r.finish(error))
        return std::nullopt;
    return s;
}

QJsonObject Suggestion::toJson() const
{
    QJsonObject json{{QStringLiteral("prompt"), prompt}, {QStringLiteral("rationale"), rationale}};
    if (negativePrompt)
        json.insert(QStringLiteral("negativePrompt"), *negativePrompt);
    if (!parameters.isEmpty())
        json.insert(QStringLiteral("parameters"), parameters);
    return json;
}

std::optional<AssistantReply> AssistantReply::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    AssistantReply reply;
    reply.message = r.nested<ChatMessage>("message");
    reply.suggestions = r.optionalList<Suggestion>("suggestions").value_or(QList<Suggestion>());
    if (!r.finish(error))
        return std::nullopt;
    return reply;
}

QJsonObject AssistantReply::toJson() const
{
    return QJsonObject{{QStringLiteral("message"), message.toJson()},
                       {QStringLiteral("suggestions"), toArray(suggestions)}};
}

std::optional<PromptChange> PromptChange::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    PromptChange c;
    c.kind = r.string("kind");
    c.added = r.optionalString("added").value_or(QString());
    c.reason = r.string("reason");
    if (!r.finish(error))
        return std::nullopt;
    return c;
}

QJsonObject PromptChange::toJson() const
{
    return QJsonObject{{QStringLiteral("kind"), kind}, {QStringLiteral("added"), added}, {QStringLiteral("reason"), reason}};
}

std::optional<EnhanceResult> EnhanceResult::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    EnhanceResult e;
    e.enhancedPrompt = r.string("enhancedPrompt");
    e.changes = r.optionalList<PromptChange>("changes").value_or(QList<PromptChange>());
    if (!r.finish(error))
        return std::nullopt;
    return e;
}

QJsonObject EnhanceResult::toJson() const
{
    return QJsonObject{{QStringLiteral("enhancedPrompt"), enhancedPrompt}, {QStringLiteral("changes"), toArray(changes)}};
}

std::optional<SkillSummary> SkillSummary::fromJson(const QJsonObject &json, QString *error)
{
    JsonReader r(json);
    SkillSummary s;
    s.id = r.string("id");
    s.name = r.string("name");
    s.description = r.string("description");
    s.tags = optionalStrings(r, "tags");
    s.models = optionalStrings(r, "models");
    s.appliesTo = optionalStrings(r, "appliesTo");
    s.version = r.optionalString("version").value_or(QString());
    s.source = r.optionalString("source").value_or(QStringLiteral("shipped"));
    if (!r.finish(error))
        return std::nullopt;
    return s;
}

QJsonObject SkillSummary::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("description"), description},
                       {QStringLiteral("tags"), QJsonArray::fromStringList(tags)},
                       {QStringLiteral("models"), QJsonArray::fromStringList(models)},
                       {QStringLiteral("appliesTo"), QJsonArray::fromStringList(appliesTo)},
                       {QStringLiteral("version"), version},
                       {QStringLiteral("source"), source}};
}

} // namespace vesper
