#pragma once
// The reply the fake assistant servers (FakeAnthropic, FakeOpenAi) stream: text pieces in order and
// the suggestions the suggest_prompts call carries. The default mixes English and Japanese so a cut
// inside a UTF-8 character is easy to plant, and has two suggestions (one with parameters).
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace vesper::test {

struct AssistantScript {
    QStringList textPieces;
    QJsonArray suggestions;

    QString text() const { return textPieces.join(QString()); }
    /// The tool call's input: {"suggestions": [...]}.
    QJsonObject toolInput() const { return {{QStringLiteral("suggestions"), suggestions}}; }
    /// The tool input cut into pieces of at most n characters (never inside a surrogate pair).
    QStringList toolInputPieces(int n) const;

    static AssistantScript standard();
};

} // namespace vesper::test
