#pragma once
// The assistant's wire types (DESIGN §7), shared by the backend that answers and the client that asks:
// a conversation's messages, the context sent with them, the structured suggestions that come back,
// the one-click enhance result and a skill's summary as GET /api/skills lists it.
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper {

struct ChatMessage {
    QString role; // "user" or "assistant"
    QString content;

    static std::optional<ChatMessage> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const ChatMessage &, const ChatMessage &) = default;
};

/// What the prompt bar holds when the user asks: the prompt that would be sent and for what.
struct PromptContext {
    QString currentPrompt;
    QString modelId;
    QString generationType = QStringLiteral("image"); // "image" or "video"
    int referenceCount = 0;

    static std::optional<PromptContext> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const PromptContext &, const PromptContext &) = default;
};

/// One prompt the user can apply: never prose to scrape, always these fields.
struct Suggestion {
    QString prompt;
    std::optional<QString> negativePrompt;
    QString rationale;
    QJsonObject parameters; // empty: keep the bar's parameters (aspectRatio, resolution, numOutputs, seed)

    static std::optional<Suggestion> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const Suggestion &, const Suggestion &) = default;
};

/// POST /api/assistant/chat's answer (and the streamed reply once complete).
struct AssistantReply {
    ChatMessage message;
    QList<Suggestion> suggestions;

    static std::optional<AssistantReply> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const AssistantReply &, const AssistantReply &) = default;
};

/// One change the enhancer made, explained in a line: "added lighting: soft window light".
struct PromptChange {
    QString kind;   // "subject", "style", "composition", "lighting", "camera", "mood", "aspect", "motion", "reference", "other"
    QString added;  // the words added (empty when only removed)
    QString reason; // one line, for the user

    static std::optional<PromptChange> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const PromptChange &, const PromptChange &) = default;
};

/// POST /api/prompts/enhance's answer.
struct EnhanceResult {
    QString enhancedPrompt;
    QList<PromptChange> changes;

    static std::optional<EnhanceResult> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const EnhanceResult &, const EnhanceResult &) = default;
};

/// A skill as GET /api/skills and the bootstrap list it (the body stays on the server).
struct SkillSummary {
    QString id;
    QString name;
    QString description;
    QStringList tags;
    QStringList models;    // model ids or provider ids it is written for; empty: any
    QStringList appliesTo; // generation types ("image", "video"); empty: any
    QString version;
    QString source; // "shipped" or "user"

    static std::optional<SkillSummary> fromJson(const QJsonObject &json, QString *error = nullptr);
    QJsonObject toJson() const;
    friend bool operator==(const SkillSummary &, const SkillSummary &) = default;
};

} // namespace vesper
