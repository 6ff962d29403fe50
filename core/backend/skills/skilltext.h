#pragma once
// A loaded skill as the registry holds it and the adapters read it. Defined here, below the
// assistant, so the registry can build it; backend/assistant/assistantadapter.h includes it.
#include "domain/assistant.h"

#include <QString>
#include <QStringList>

namespace vesper::backend {

/// A skill as the adapters use it: its summary plus the Markdown body and its checklist items.
struct SkillText {
    SkillSummary summary;
    QString body;
    QStringList checklist; // the lines of the body's "Checklist" section, without list markers
};

} // namespace vesper::backend
