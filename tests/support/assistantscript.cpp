#include "assistantscript.h"

#include <QJsonDocument>

namespace vesper::test {

QStringList AssistantScript::toolInputPieces(int n) const
{
    const QString json = QString::fromUtf8(QJsonDocument(toolInput()).toJson(QJsonDocument::Compact));
    QStringList out;
    qsizetype i = 0;
    while (i < json.size()) {
        qsizetype take = qMin<qsizetype>(n, json.size() - i);
        if (i + take < json.size() && json.at(i + take - 1).isHighSurrogate())
            ++take;
        out.append(json.mid(i, take));
        i += take;
    }
    return out;
}

AssistantScript AssistantScript::standard()
{
    AssistantScript s;
    s.textPieces = {QStringLiteral("Your prompt has a clear subject. "),
                    QStringLiteral("夕暮れの柔らかい光"),
                    QStringLiteral("と、"),
                    QStringLiteral("低い視点を足すと"),
                    QStringLiteral("印象が強まります。 "),
                    QStringLiteral("Here are two directions — 🌅 warm and cool.")};
    s.suggestions = {
        QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a red fox in fresh snow, golden hour side light, low angle, 85mm, shallow depth of field")},
                    {QStringLiteral("rationale"), QStringLiteral("added lighting and camera; kept your fox and snow")}},
        QJsonObject{{QStringLiteral("prompt"), QStringLiteral("雪の中の赤いキツネ、青い夕暮れ、広角、静かな雰囲気")},
                    {QStringLiteral("negativePrompt"), QStringLiteral("blurry, text")},
                    {QStringLiteral("rationale"), QStringLiteral("a cooler mood in the user's language")},
                    {QStringLiteral("parameters"), QJsonObject{{QStringLiteral("aspectRatio"), QStringLiteral("16:9")}}}}};
    return s;
}

} // namespace vesper::test
