#include "backend/tools/seedactivity.h"
#include "backend/tools/seedgraph.h"
#include "backend/tools/seedrandom.h"
#include "backend/tools/seedwriter.h"
#include "domain/errorcode.h"

#include <cmath>

namespace vesper::backend {
namespace {
constexpr qint64 kMilli = 1000;
constexpr qint64 kSecond = 1000000;
constexpr qint64 kDay = 86400 * kSecond;
const QByteArray kFailedCode = errorCodeName(ErrorCode::ProviderError).toLatin1(); // a seeded failure's error_code

struct Aspect {
    const char *ratio;
    int width;
    int height;
};
const Aspect kAspects[] = {{"1:1", 1024, 1024}, {"1:1", 1024, 1024}, {"16:9", 1344, 768}, {"9:16", 768, 1344},
                           {"4:3", 1152, 896}, {"3:2", 1216, 832}};
const char *const kModels[] = {"sketch", "sketch", "sketch", "a1111/sdxl-base", "comfyui/flux-schnell", "gemini/imagen"};
const char *const kPrompts[] = {
    "a lighthouse on a basalt cliff at dusk, volumetric light, 35mm film",
    "isometric cozy bookshop interior, warm lamps, rain on the windows",
    "portrait of an old fisherman, Rembrandt lighting, deep shadows",
    "a child's drawing of a dragon made of clouds",
    "retro-futurist tram crossing a desert city, pastel palette",
    "macro photo of dew on a spider web at sunrise, shallow depth of field",
    "product shot of a ceramic teapot on linen, soft box lighting",
    "aerial view of terraced rice fields in fog, muted greens",
    "neon-lit ramen stand in the rain, cinematic, anamorphic flare",
    "watercolor map of an imaginary archipelago with compass rose",
    "brutalist library atrium with hanging plants, overcast light",
    "a fox in a snowy birch forest, telephoto, golden hour",
    "logo concept: a paper crane folded from a musical score",
    "storyboard frame: astronaut opening a greenhouse door on Mars",
    "still life of lemons and a cracked blue bowl, Dutch master style",
    "\"Don't panic\" written in moss on a stone wall, whimsical",
};
const char *const kNegatives[] = {"", "", "", "blurry, low quality, watermark", "text, logo, extra fingers"};
} // namespace

SeedActivity::SeedActivity(const SeedOptions &options, SeedRandom &random, const SeedGraph &graph, qint64 endMicros)
    : m_options(options)
    , m_random(random)
    , m_graph(graph)
    , m_end(endMicros)
{
}

QList<qint64> SeedActivity::generationsPerSession()
{
    // Uneven like real use: a tenth of sessions stay empty, the rest follow a long-tailed weight.
    const qsizetype count = m_graph.sessions().size();
    QList<qint64> perSession(count, 0);
    if (count == 0 || m_options.generations <= 0)
        return perSession;
    QList<double> weights(count, 0.0);
    double total = 0;
    for (double &weight : weights) {
        if (!m_random.chance(0.1)) {
            const double e = -std::log(1.0 - m_random.real());
            weight = e * e;
        }
        total += weight;
    }
    if (total <= 0) {
        weights[0] = total = 1;
    }
    qint64 assigned = 0;
    for (qsizetype i = 0; i < count; ++i) {
        perSession[i] = qint64(double(m_options.generations) * weights[i] / total);
        assigned += perSession[i];
    }
    while (assigned < m_options.generations) {
        const qsizetype i = qsizetype(m_random.next() % quint64(count));
        if (weights[i] > 0) {
            ++perSession[i];
            ++assigned;
        }
    }
    return perSession;
}

void SeedActivity::write(SeedWriter &writer, const std::function<void(qint64)> &progress)
{
    const QList<qint64> perSession = generationsPerSession();
    const auto &sessions = m_graph.sessions();
    const auto &projects = m_graph.projects();
    const auto &users = m_graph.users();
    QList<qint64> groups;
    QByteArray parameters, key, thumb;
    qint64 written = 0;
    qint64 outputDebt = 0;
    for (qsizetype s = 0; s < sessions.size(); ++s) {
        qint64 remaining = perSession[s];
        if (remaining == 0)
            continue;
        const SeedGraph::Session &session = sessions[s];
        const SeedGraph::Project &project = projects[session.project];
        const SeedId &userId = users[session.creator].id;
        // Batches: one request in twelve makes 5-50 generations at once, all with one created_at.
        groups.clear();
        while (remaining > 0) {
            const qint64 size = qMin(remaining, m_random.chance(0.08) ? m_random.between(5, 50) : m_random.between(1, 4));
            groups.append(size);
            remaining -= size;
        }
        const qint64 step = (session.updatedAt - session.createdAt) / (groups.size() + 1);
        for (qsizetype g = 0; g < groups.size(); ++g) {
            const qint64 createdAt = session.createdAt + step * (g + 1) - m_random.between(0, step / 2);
            if (groups[g] > 1)
                m_tied += groups[g];
            const Aspect &aspect = m_random.pick(kAspects);
            const char *model = m_random.pick(kModels);
            const char *prompt = m_random.pick(kPrompts);
            const char *negative = m_random.pick(kNegatives);
            const bool recent = createdAt >= m_end - 7 * kDay;
            for (qint64 i = 0; i < groups[g]; ++i) {
                const double roll = m_random.real();
                const char *status = recent && roll < 0.1 ? "queued" : roll > 0.95 ? "failed" : "completed";
                const bool queued = status[0] == 'q';
                const bool completed = status[0] == 'c';
                outputDebt += m_options.outputsPerGeneration;
                // Completed generations also carry the outputs failed ones never made, so the
                // total is generations x outputs-per-generation.
                const qint64 outputs = completed ? outputDebt : 0;
                const qint64 rev = writer.nextRev();
                const SeedId id = writer.nextId(m_random.next());
                const SeedId clientId = writer.nextId(m_random.next());
                const qint64 startedAt = createdAt + m_random.between(50 * kMilli, 3 * kSecond);
                const qint64 finishedAt = startedAt + m_random.between(2 * kSecond, 40 * kSecond);
                parameters = "{\"aspectRatio\":\"" + QByteArray(aspect.ratio) + "\",\"resolution\":\"1024\",\"numOutputs\":"
                    + QByteArray::number(qMax<qint64>(outputs, m_options.outputsPerGeneration)) + ",\"seed\":"
                    + QByteArray::number(m_random.between(0, 4294967295LL)) + '}';
                writer.row(SeedWriter::Generations).text(id).text(session.id).text(project.id).text(userId).text(clientId)
                    .text(model).text(prompt).text(negative).text(parameters).text(status)
                    .integer(completed ? 100 : queued ? 0 : m_random.between(0, 90)).boolean(!completed && !queued);
                if (status[0] == 'f')
                    writer.text(kFailedCode).text("placeholder: the provider timed out");
                else
                    writer.null().null();
                writer.integer(0).time(createdAt);
                if (queued)
                    writer.null().null();
                else
                    writer.time(startedAt).time(finishedAt);
                writer.integer(rev);
                m_completed += completed ? 1 : 0;
                m_failed += status[0] == 'f' ? 1 : 0;
                m_queued += queued ? 1 : 0;
                for (qint64 o = 0; o < outputs; ++o) {
                    const qint64 outputRev = writer.nextRev();
                    const SeedId outputId = writer.nextId(m_random.next());
                    key.clear();
                    key.append(userId.view()).append('/').append(id.view()).append('/').append(QByteArray::number(o));
                    thumb = key;
                    thumb.append(".thumb.webp");
                    key.append(".png");
                    writer.row(SeedWriter::Outputs).text(outputId).text(id).text(session.id).text(project.id).text("image")
                        .text(key).text(thumb).integer(aspect.width).integer(aspect.height)
                        .integer(m_random.between(300000, 3000000)).boolean(m_random.chance(0.03)).time(finishedAt)
                        .integer(outputRev);
                }
                if (completed)
                    outputDebt = 0;
                if (++written % 20000 == 0)
                    progress(written);
            }
        }
        writer.checkpoint();
    }
    progress(written);
}

} // namespace vesper::backend
