// bench_assistant: the offline coach's reply time (a whole chat answer: plan, Markdown message and
// three suggestions; budget ≤ 5 ms) against a baseline measured in the same process — encoding the
// same request as JSON, the least any assistant route does with it — for a short, a typical and a
// 3,990-character prompt (just under 4,000, past which the coach adds nothing); and the skill registry's load of 200 generated skill files (parse and
// check, cold each run) next to the shipped five. p50/p95/p99 in ms over --runs runs. No database.
#include "latency.h"

#include "backend/assistant/coachadapter.h"
#include "backend/config/backendsettings.h"
#include "backend/skills/skillregistry.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>

using namespace vesper;
using namespace vesper::backend;
using namespace vesper::bench;

namespace {

// Wall-clock and this thread's CPU time per run: on a shared machine the wall figures include
// waiting for a core (the p99 especially), the CPU figures are the work itself.
struct Measurement {
    Latency wall;
    Latency cpu;
};

qint64 threadCpuNanoseconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

Measurement measure(int runs, const std::function<void()> &operation)
{
    operation(); // warm up: first allocations and static tables are not what we measure
    Measurement m;
    for (int run = 0; run < runs; ++run) {
        QElapsedTimer timer;
        timer.start();
        const qint64 cpuStart = threadCpuNanoseconds();
        operation();
        m.cpu.add(threadCpuNanoseconds() - cpuStart);
        m.wall.add(timer.nsecsElapsed());
    }
    return m;
}

void report(const char *label, const Latency &l, const Latency *baseline = nullptr, double budgetMs = 0);

void report(const char *label, const Measurement &m, const Measurement *baseline = nullptr, double budgetMs = 0)
{
    report(QByteArray(QByteArray(label) + " wall").constData(), m.wall, baseline ? &baseline->wall : nullptr, budgetMs);
    report(QByteArray(QByteArray(label) + " cpu").constData(), m.cpu, baseline ? &baseline->cpu : nullptr, budgetMs);
}

void report(const char *label, const Latency &l, const Latency *baseline, double budgetMs)
{
    std::printf("%-34s p50 %8.4f  p95 %8.4f  p99 %8.4f ms", label, l.percentileMs(0.5), l.percentileMs(0.95), l.percentileMs(0.99));
    if (baseline && baseline->percentileMs(0.5) > 0)
        std::printf("   x%.1f baseline p50", l.percentileMs(0.5) / baseline->percentileMs(0.5));
    if (budgetMs > 0)
        std::printf("   %s (budget %.0f ms at p99)", l.percentileMs(0.99) <= budgetMs ? "within" : "OVER", budgetMs);
    std::printf("\n");
}

AssistantRequest requestFor(const QString &prompt, const QList<SkillText> &skills)
{
    AssistantRequest request;
    request.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("Can you make this prompt better?")}};
    request.context.currentPrompt = prompt;
    request.context.modelId = QStringLiteral("sketch");
    request.skills = skills;
    return request;
}

QByteArray requestJson(const AssistantRequest &request)
{
    QJsonArray messages;
    for (const ChatMessage &m : request.messages)
        messages.append(m.toJson());
    return QJsonDocument(QJsonObject{{QStringLiteral("messages"), messages}, {QStringLiteral("context"), request.context.toJson()}})
        .toJson(QJsonDocument::Compact);
}

/// A plausible skill file: front matter, a few paragraphs and a six-line checklist (~3 KB).
QByteArray generatedSkill(int i)
{
    QByteArray text = "---\nname: Generated skill " + QByteArray::number(i) + "\ndescription: A generated skill for the registry benchmark, number "
                      + QByteArray::number(i) + ".\ntags: [image, generated]\napplies_to: [image]\nversion: \"1\"\n---\n# Skill\n\n";
    for (int p = 0; p < 12; ++p)
        text += "A paragraph of craft advice about light, lenses and framing that a real skill would carry, line " + QByteArray::number(p) + ".\n\n";
    text += "## Checklist\n";
    for (const char *aspect : {"subject", "style", "composition", "lighting", "camera", "mood"})
        text += "- [" + QByteArray(aspect) + "] Check the " + aspect + ". Add: \"generic " + aspect + " words\" | \"other " + aspect + " words\"\n";
    return text;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs per measurement (default 2000; registry loads use runs/20)."), QStringLiteral("n"), QStringLiteral("2000")});
    parser.process(app);
    const int runs = qMax(20, parser.value(QStringLiteral("runs")).toInt());
    double load[3] = {0, 0, 0};
    if (FILE *f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = -1;
        std::fclose(f);
    }
    std::printf("bench_assistant: %d runs, load average %.2f %.2f %.2f\n\n", runs, load[0], load[1], load[2]);

    SkillRegistry shipped({BackendSettings::defaultSkillsDir(), QString(), 60000, 1000, {}});
    const QList<SkillText> defaults = shipped.defaultsFor(QStringLiteral("image"), QStringLiteral("sketch"));
    QList<SkillText> all;
    for (const SkillSummary &summary : shipped.summaries())
        all.append(*shipped.find(summary.id));
    QString longPrompt;
    while (longPrompt.size() < 3990)
        longPrompt += QStringLiteral("a quiet fishing village by a grey sea with boats ");
    longPrompt.truncate(3990);
    const struct {
        const char *label;
        QString prompt;
        QList<SkillText> skills;
    } cases[] = {
        {"short prompt, default skills", QStringLiteral("a fox in the snow"), defaults},
        {"typical prompt, all 5 skills", QStringLiteral("a weathered fisherman mending nets on a wooden jetty at dawn, documentary photograph"), all},
        {"3,990-char prompt, all 5 skills", longPrompt, all},
    };
    std::printf("coach reply (plan + message + suggestions) vs JSON-encoding the same request:\n");
    for (const auto &c : cases) {
        const AssistantRequest request = requestFor(c.prompt, c.skills);
        volatile qsizetype sink = 0;
        const Measurement baseline = measure(runs, [&] { sink = sink + requestJson(request).size(); });
        const Measurement coach = measure(runs, [&] { sink = sink + CoachAdapter::answer(request).message.content.size(); });
        std::printf("  %s\n", c.label);
        report("    baseline: JSON encode", baseline);
        report("    coach reply", coach, &baseline, 5);
    }

    QTemporaryDir dir;
    for (int i = 0; i < 200; ++i) {
        QFile file(dir.path() + QStringLiteral("/generated-%1.skill.md").arg(i, 3, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::WriteOnly) || file.write(generatedSkill(i)) < 0)
            return 1;
    }
    const int loadRuns = qMax(10, runs / 20);
    std::printf("\nskill registry cold load (%d runs):\n", loadRuns);
    const Measurement shippedLoad = measure(loadRuns, [&] {
        SkillRegistry registry({BackendSettings::defaultSkillsDir(), QString(), 60000, 1000, {}});
        registry.reload();
    });
    report("  shipped 5 skills", shippedLoad);
    int loaded = 0;
    const Measurement generatedLoad = measure(loadRuns, [&] {
        SkillRegistry registry({dir.path(), QString(), 60000, 1000, {}});
        registry.reload();
        loaded = int(registry.summaries().size());
    });
    report("  200 generated skills", generatedLoad);
    std::printf("  (%d skills loaded; %.1f us CPU per skill at p50)\n", loaded, generatedLoad.cpu.percentileMs(0.5) * 1000 / qMax(1, loaded));
    // A check with nothing changed: what a request pays once per interval.
    SkillRegistry warm({dir.path(), QString(), 0, 1000, {}});
    warm.summaries();
    const Measurement check = measure(loadRuns, [&] { warm.summaries(); });
    report("  unchanged check (stat 200 files)", check);
    return 0;
}
