#pragma once
// Runs an assistant adapter the way the chat route does (blocking, deltas collected) for the adapter
// tests, and builds the request they send: a skill, a context and a short conversation.
#include "backend/assistant/assistantadapter.h"

#include <QElapsedTimer>
#include <QStringList>

namespace vesper::test {

struct AdapterRun {
    backend::AssistantResult result;
    QStringList deltas;
    qint64 elapsedMs = 0;

    QString text() const { return deltas.join(QString()); }
};

inline backend::AssistantRequest sampleRequest()
{
    backend::AssistantRequest request;
    request.messages = {{QStringLiteral("user"), QStringLiteral("Make my fox prompt better, please.")}};
    request.context.currentPrompt = QStringLiteral("a red fox in snow, キツネ");
    request.context.modelId = QStringLiteral("gemini-image");
    request.context.generationType = QStringLiteral("image");
    request.context.referenceCount = 2;
    backend::SkillText skill;
    skill.summary.id = QStringLiteral("lighting");
    skill.summary.name = QStringLiteral("Lighting vocabulary");
    skill.summary.description = QStringLiteral("Name the light.");
    skill.body = QStringLiteral("## Checklist\n- name the light source (golden hour, softbox)\n");
    skill.checklist = {QStringLiteral("name the light source (golden hour, softbox)")};
    request.skills = {skill};
    return request;
}

/// cancelAfterFirstDelta: the run's cancel flag turns true as the first delta arrives.
inline AdapterRun runAdapter(backend::AssistantAdapter &adapter, const backend::AssistantRequest &request, bool cancelAfterFirstDelta = false)
{
    AdapterRun run;
    std::atomic_bool cancelled = false;
    QElapsedTimer clock;
    clock.start();
    run.result = adapter.reply(request, [&](const QString &delta) {
        run.deltas.append(delta);
        if (cancelAfterFirstDelta)
            cancelled = true;
    }, cancelled);
    run.elapsedMs = clock.elapsed();
    return run;
}

} // namespace vesper::test
