#pragma once
// What GenerationListModel keeps per row: only what its roles answer. A full Generation (parameters
// JSON, whole outputs) is several kilobytes; 100k of them held for a gallery were ~450 MB. This row
// holds the ids, texts and state a card paints, and the few strings every row repeats (session,
// model, aspect ratio) are shared through a StringPool; the full Generation is read from the cache
// when something asks for it (the viewer, Retry, Reuse).
#include "domain/generation.h"

#include <QSet>
#include <QString>
#include <QStringList>
#include <algorithm>
#include <optional>

namespace vesper::client {

/// Hands out one shared QString per distinct value, so rows that repeat a value hold no copy of it.
class StringPool {
public:
    QString shared(const QString &value)
    {
        if (value.isNull())
            return value;
        const auto it = m_values.constFind(value);
        if (it != m_values.constEnd())
            return *it;
        m_values.insert(value);
        return value;
    }
    void clear() { m_values.clear(); }

private:
    QSet<QString> m_values;
};

struct GenerationRow {
    QString id;
    QString sessionId;       // pooled
    QString modelId;         // pooled
    QString prompt;
    QString negativePrompt;
    QString errorMessage;    // empty unless failed
    QString aspectRatio;     // pooled; "1:1" when the parameters have none
    QStringList outputIds;   // in output order
    qint64 createdAt = 0;
    qint64 seed = 0;
    std::optional<qint64> rev;
    GenerationStatus status = GenerationStatus::Queued;
    qint8 progress = 0;      // 0..100
    bool progressIsEstimate = false;
    bool hasSeed = false;

    /// The row for g; repeated strings come from pool.
    static GenerationRow from(const Generation &g, StringPool &pool)
    {
        GenerationRow r;
        r.id = g.id;
        r.sessionId = pool.shared(g.sessionId);
        r.modelId = pool.shared(g.modelId);
        r.prompt = g.prompt;
        r.negativePrompt = g.negativePrompt;
        if (g.error)
            r.errorMessage = g.error->message;
        const QJsonValue aspect = g.parameters.value(QLatin1String("aspectRatio"));
        r.aspectRatio = pool.shared(aspect.isString() ? aspect.toString() : QStringLiteral("1:1"));
        if (g.outputs) {
            r.outputIds.reserve(g.outputs->size());
            for (const Output &o : *g.outputs)
                r.outputIds << o.id;
        }
        r.createdAt = g.createdAt;
        const QJsonValue seed = g.parameters.value(QLatin1String("seed"));
        r.hasSeed = seed.isDouble();
        r.seed = r.hasSeed ? seed.toInteger() : 0;
        r.rev = g.rev;
        r.status = g.status;
        r.progress = qint8(std::clamp<qint64>(g.progress, 0, 100));
        r.progressIsEstimate = g.progressIsEstimate;
        return r;
    }
};

} // namespace vesper::client

Q_DECLARE_TYPEINFO(vesper::client::GenerationRow, Q_RELOCATABLE_TYPE);
