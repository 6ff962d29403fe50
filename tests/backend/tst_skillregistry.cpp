// The skill registry on real folders: broken YAML, missing and unknown keys, wrong types, a 10 MiB
// file, duplicate ids, bad names and bytes — each reported with file and line and skipped (or kept,
// for warnings) — a file changed while running, the check interval, a user skill overriding a
// shipped one, and every shipped skill valid with a checklist the coach can use.
#include "backend/assistant/checklistitem.h"
#include "backend/config/backendsettings.h"
#include "backend/skills/skillbody.h"
#include "backend/skills/skillregistry.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

using namespace vesper;
using namespace vesper::backend;

namespace {
const QByteArray kGood = "---\nname: Good\ndescription: A good skill.\n---\nBody.\n\n## Checklist\n- [lighting] Light it. Add: \"soft light\"\n";

bool write(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
}

QStringList ids(const QList<SkillSummary> &skills)
{
    QStringList list;
    for (const SkillSummary &skill : skills)
        list.append(skill.id);
    return list;
}

/// The one problem of file, or a default one (line -1) when there is not exactly one.
SkillProblem problemOf(const QList<SkillProblem> &problems, const QString &file)
{
    QList<SkillProblem> found;
    for (const SkillProblem &problem : problems) {
        if (problem.file == file)
            found.append(problem);
    }
    return found.size() == 1 ? found.first() : SkillProblem{file, {}, -1, QStringLiteral("%1 problems").arg(found.size()), false};
}
} // namespace

class TestSkillRegistry : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString shipped() const { return m_dir.path() + QStringLiteral("/shipped"); }
    QString user() const { return m_dir.path() + QStringLiteral("/user"); }
    SkillRegistry registry(int intervalMs = 0) const { return SkillRegistry({shipped(), user(), intervalMs, 1000, {}}); }

private Q_SLOTS:
    void init();
    void goodSkillParsed();
    void brokenYaml();
    void missingKeys();
    void unknownKeyWarned();
    void wrongTypesAndLengths();
    void tenMegabyteFileRefused();
    void duplicateIds();
    void badNamesAndBytes();
    void changedWhileRunning();
    void checkIntervalDebounces();
    void userOverridesShipped();
    void defaultsForContext();
    void checklistSection();
    void shippedSkillsValid();
};

void TestSkillRegistry::init()
{
    QDir(shipped()).removeRecursively();
    QDir(user()).removeRecursively();
    QDir().mkpath(shipped());
}

void TestSkillRegistry::goodSkillParsed()
{
    QVERIFY(write(shipped() + QStringLiteral("/good-one.skill.md"),
                  "\xEF\xBB\xBF---\r\nname: Good\r\ndescription: >\r\n  Folded\r\n  text.\r\ntags: [image, default]\r\nmodels: gemini\r\n"
                  "applies_to: [image]\r\nversion: 2\r\n---\r\n# Title\r\n\r\n## Checklist\r\n- [lighting] Light it. Add: \"soft light\" | \"hard light\"\r\n"));
    SkillRegistry r = registry();
    QVERIFY(r.problems().isEmpty());
    const std::optional<SkillText> skill = r.find(QStringLiteral("good-one"));
    QVERIFY(skill);
    QCOMPARE(skill->summary.name, QStringLiteral("Good"));
    QCOMPARE(skill->summary.description, QStringLiteral("Folded text."));
    QCOMPARE(skill->summary.tags, (QStringList{QStringLiteral("image"), QStringLiteral("default")}));
    QCOMPARE(skill->summary.models, QStringList{QStringLiteral("gemini")});
    QCOMPARE(skill->summary.version, QStringLiteral("2"));
    QCOMPARE(skill->summary.source, QStringLiteral("shipped"));
    QCOMPARE(skill->checklist, QStringList{QStringLiteral("[lighting] Light it. Add: \"soft light\" | \"hard light\"")});
    const ChecklistItem item = parseChecklistItem(skill->checklist.first());
    QCOMPARE(item.aspect, std::optional<PromptAspect>(PromptAspect::Lighting));
    QCOMPARE(item.guidance, QStringLiteral("Light it."));
    QCOMPARE(item.additions, (QStringList{QStringLiteral("soft light"), QStringLiteral("hard light")}));
}

void TestSkillRegistry::brokenYaml()
{
    QVERIFY(write(shipped() + QStringLiteral("/broken.skill.md"), "---\nname: ok\ndescription: [unclosed\ntags: [a]\n---\nbody\n"));
    QVERIFY(write(shipped() + QStringLiteral("/unclosed.skill.md"), "---\nname: ok\ndescription: d\nbody without a closing line\n"));
    QVERIFY(write(shipped() + QStringLiteral("/nofront.skill.md"), "# Just markdown\n"));
    QVERIFY(write(shipped() + QStringLiteral("/good.skill.md"), kGood));
    SkillRegistry r = registry();
    QCOMPARE(ids(r.summaries()), QStringList{QStringLiteral("good")}); // the rest skipped, never fatal
    const SkillProblem broken = problemOf(r.problems(), QStringLiteral("broken.skill.md"));
    QVERIFY2(broken.line >= 3 && broken.line <= 5, qPrintable(broken.describe())); // where the flow sequence breaks
    QVERIFY2(broken.message.contains(QStringLiteral("YAML")), qPrintable(broken.message));
    QVERIFY(!broken.warning);
    QCOMPARE(problemOf(r.problems(), QStringLiteral("unclosed.skill.md")).line, 1);
    QCOMPARE(problemOf(r.problems(), QStringLiteral("nofront.skill.md")).line, 1);
}

void TestSkillRegistry::missingKeys()
{
    QVERIFY(write(shipped() + QStringLiteral("/no-description.skill.md"), "---\nname: Only a name\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/empty.skill.md"), "---\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/blank-name.skill.md"), "---\nname:\ndescription: d\n---\n"));
    SkillRegistry r = registry();
    QVERIFY(r.summaries().isEmpty());
    QVERIFY(problemOf(r.problems(), QStringLiteral("no-description.skill.md")).message.contains(QStringLiteral("description is required")));
    QVERIFY(problemOf(r.problems(), QStringLiteral("empty.skill.md")).message.contains(QStringLiteral("empty")));
    const SkillProblem blank = problemOf(r.problems(), QStringLiteral("blank-name.skill.md"));
    QCOMPARE(blank.line, 2);
    QVERIFY2(blank.message.contains(QStringLiteral("name is empty")), qPrintable(blank.message));
}

void TestSkillRegistry::unknownKeyWarned()
{
    QVERIFY(write(shipped() + QStringLiteral("/extra.skill.md"),
                  "---\nname: Extra\ndescription: d\nauthor: someone\n---\n## Checklist\n- [mood] Mood.\n"));
    SkillRegistry r = registry();
    QCOMPARE(ids(r.summaries()), QStringList{QStringLiteral("extra")}); // kept
    const SkillProblem warning = problemOf(r.problems(), QStringLiteral("extra.skill.md"));
    QVERIFY(warning.warning);
    QCOMPARE(warning.line, 4);
    QVERIFY(warning.message.contains(QStringLiteral("author")));
    QCOMPARE(warning.toJson().value(QStringLiteral("severity")).toString(), QStringLiteral("warning"));
}

void TestSkillRegistry::wrongTypesAndLengths()
{
    QVERIFY(write(shipped() + QStringLiteral("/map-tags.skill.md"), "---\nname: n\ndescription: d\ntags: {a: b}\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/list-name.skill.md"), "---\nname: [a, b]\ndescription: d\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/long-name.skill.md"), "---\nname: " + QByteArray(81, 'n') + "\ndescription: d\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/bad-type.skill.md"), "---\nname: n\ndescription: d\napplies_to: [audio]\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/twice.skill.md"), "---\nname: n\nname: m\ndescription: d\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/scalar-root.skill.md"), "---\njust text\n---\n"));
    SkillRegistry r = registry();
    QVERIFY(r.summaries().isEmpty());
    QCOMPARE(problemOf(r.problems(), QStringLiteral("map-tags.skill.md")).line, 4);
    QVERIFY(problemOf(r.problems(), QStringLiteral("list-name.skill.md")).message.contains(QStringLiteral("must be text")));
    QVERIFY(problemOf(r.problems(), QStringLiteral("long-name.skill.md")).message.contains(QStringLiteral("at most 80")));
    QVERIFY(problemOf(r.problems(), QStringLiteral("bad-type.skill.md")).message.contains(QStringLiteral("audio")));
    const SkillProblem twice = problemOf(r.problems(), QStringLiteral("twice.skill.md"));
    QVERIFY2(twice.message.contains(QStringLiteral("twice")) || twice.message.contains(QStringLiteral("YAML")), qPrintable(twice.describe()));
    QVERIFY(problemOf(r.problems(), QStringLiteral("scalar-root.skill.md")).message.contains(QStringLiteral("map")));
}

void TestSkillRegistry::tenMegabyteFileRefused()
{
    QByteArray huge = "---\nname: Huge\ndescription: d\n---\n";
    huge += QByteArray(10 << 20, 'x');
    QVERIFY(write(shipped() + QStringLiteral("/huge.skill.md"), huge));
    QVERIFY(write(shipped() + QStringLiteral("/good.skill.md"), kGood));
    SkillRegistry r = registry();
    QCOMPARE(ids(r.summaries()), QStringList{QStringLiteral("good")});
    const SkillProblem problem = problemOf(r.problems(), QStringLiteral("huge.skill.md"));
    QVERIFY2(problem.message.contains(QStringLiteral("256 KiB")), qPrintable(problem.describe()));
    // The same cap applies to bytes handed over directly.
    QVERIFY(!parseSkill(huge, QStringLiteral("huge.skill.md"), QStringLiteral("shipped")).skill);
}

void TestSkillRegistry::duplicateIds()
{
    QVERIFY(write(shipped() + QStringLiteral("/a/same.skill.md"), kGood));
    QVERIFY(write(shipped() + QStringLiteral("/b/same.skill.md"), kGood));
    SkillRegistry r = registry();
    QCOMPARE(ids(r.summaries()), QStringList{QStringLiteral("same")});
    const SkillProblem duplicate = problemOf(r.problems(), QStringLiteral("b/same.skill.md"));
    QVERIFY2(duplicate.message.contains(QStringLiteral("duplicate id")) && duplicate.message.contains(QStringLiteral("a/same.skill.md")),
             qPrintable(duplicate.describe()));
}

void TestSkillRegistry::badNamesAndBytes()
{
    QVERIFY(write(shipped() + QStringLiteral("/Bad_Name.skill.md"), kGood));
    QVERIFY(write(shipped() + QStringLiteral("/latin1.skill.md"), "---\nname: ok\ndescription: caf\xE9\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/notes.md"), kGood)); // not a skill file: ignored, not reported
    SkillRegistry r = registry();
    QVERIFY(r.summaries().isEmpty());
    QCOMPARE(r.problems().size(), 2);
    QVERIFY(problemOf(r.problems(), QStringLiteral("Bad_Name.skill.md")).message.contains(QStringLiteral("lowercase")));
    const SkillProblem latin1 = problemOf(r.problems(), QStringLiteral("latin1.skill.md"));
    QCOMPARE(latin1.line, 3);
    QVERIFY(latin1.message.contains(QStringLiteral("UTF-8")));
}

void TestSkillRegistry::changedWhileRunning()
{
    const QString path = shipped() + QStringLiteral("/live.skill.md");
    QVERIFY(write(path, kGood));
    SkillRegistry r = registry(0);
    QCOMPARE(r.find(QStringLiteral("live"))->summary.name, QStringLiteral("Good"));
    const int loads = r.loadCount();
    r.summaries();
    QCOMPARE(r.loadCount(), loads); // nothing changed: no reparse
    QVERIFY(write(path, QByteArray(kGood).replace("name: Good", "name: Better")));
    QCOMPARE(r.find(QStringLiteral("live"))->summary.name, QStringLiteral("Better"));
    QCOMPARE(r.loadCount(), loads + 1);
    QVERIFY(write(shipped() + QStringLiteral("/added.skill.md"), kGood));
    QVERIFY(ids(r.summaries()).contains(QStringLiteral("added")));
    QVERIFY(QFile::remove(path));
    QVERIFY(!r.find(QStringLiteral("live")));
}

void TestSkillRegistry::checkIntervalDebounces()
{
    const QString path = shipped() + QStringLiteral("/slow.skill.md");
    QVERIFY(write(path, kGood));
    SkillRegistry r = registry(60000);
    QCOMPARE(r.find(QStringLiteral("slow"))->summary.name, QStringLiteral("Good"));
    QVERIFY(write(path, QByteArray(kGood).replace("name: Good", "name: Later")));
    // Within the interval the folders are not even stat'ed: a burst of requests costs nothing.
    QCOMPARE(r.find(QStringLiteral("slow"))->summary.name, QStringLiteral("Good"));
    r.reload();
    QCOMPARE(r.find(QStringLiteral("slow"))->summary.name, QStringLiteral("Later"));
}

void TestSkillRegistry::userOverridesShipped()
{
    QVERIFY(write(shipped() + QStringLiteral("/style.skill.md"), kGood));
    QVERIFY(write(shipped() + QStringLiteral("/other.skill.md"), kGood));
    QVERIFY(write(user() + QStringLiteral("/style.skill.md"), QByteArray(kGood).replace("name: Good", "name: Mine")));
    SkillRegistry r = registry();
    QCOMPARE(ids(r.summaries()), (QStringList{QStringLiteral("other"), QStringLiteral("style")}));
    QCOMPARE(r.find(QStringLiteral("style"))->summary.name, QStringLiteral("Mine"));
    QCOMPARE(r.find(QStringLiteral("style"))->summary.source, QStringLiteral("user"));
    QCOMPARE(r.find(QStringLiteral("other"))->summary.source, QStringLiteral("shipped"));
    // A broken override is reported, and the shipped skill stands in for it.
    QVERIFY(write(user() + QStringLiteral("/style.skill.md"), "---\nname: [\n---\n"));
    QCOMPARE(r.find(QStringLiteral("style"))->summary.name, QStringLiteral("Good"));
    QCOMPARE(problemOf(r.problems(), QStringLiteral("style.skill.md")).source, QStringLiteral("user"));
}

void TestSkillRegistry::defaultsForContext()
{
    QVERIFY(write(shipped() + QStringLiteral("/img.skill.md"), "---\nname: I\ndescription: d\ntags: [default]\napplies_to: [image]\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/vid.skill.md"), "---\nname: V\ndescription: d\ntags: [default]\napplies_to: [video]\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/gem.skill.md"), "---\nname: G\ndescription: d\ntags: [default]\nmodels: [gemini]\n---\n"));
    QVERIFY(write(shipped() + QStringLiteral("/opt.skill.md"), "---\nname: O\ndescription: d\n---\n"));
    SkillRegistry r = registry();
    const auto defaults = [&](const QString &type, const QString &model) {
        QStringList list;
        for (const SkillText &skill : r.defaultsFor(type, model))
            list.append(skill.summary.id);
        return list;
    };
    QCOMPARE(defaults(QStringLiteral("image"), QStringLiteral("sketch")), QStringList{QStringLiteral("img")});
    QCOMPARE(defaults(QStringLiteral("image"), QStringLiteral("gemini-2.5-flash-image")), (QStringList{QStringLiteral("gem"), QStringLiteral("img")}));
    QCOMPARE(defaults(QStringLiteral("video"), QStringLiteral("sketch")), QStringList{QStringLiteral("vid")});
}

void TestSkillRegistry::checklistSection()
{
    const QString body = QStringLiteral("# Skill\n- not this\n\n## Checklist\n- one\n* two\n  continued\n1. three\n- [ ] four\n"
                                        "```\n- not in a fence\n```\n### Sub\n- five\n## After\n- not this either\n");
    QCOMPARE(checklistOf(body), (QStringList{QStringLiteral("one"), QStringLiteral("two continued"), QStringLiteral("three"),
                                             QStringLiteral("four"), QStringLiteral("five")}));
    QVERIFY(checklistOf(QStringLiteral("no checklist here\n- item")).isEmpty());
}

void TestSkillRegistry::shippedSkillsValid()
{
    SkillRegistry r({BackendSettings::defaultSkillsDir(), QString(), 0, 1000, {}});
    const QList<SkillProblem> problems = r.problems();
    for (const SkillProblem &problem : problems)
        qWarning().noquote() << problem.describe();
    QVERIFY(problems.isEmpty());
    const QStringList shippedIds = ids(r.summaries());
    for (const char *id : {"image-prompting", "image-iteration", "photo-lighting", "video-prompting", "cover-design"})
        QVERIFY2(shippedIds.contains(QLatin1String(id)), id);
    for (const SkillSummary &summary : r.summaries()) {
        const SkillText skill = *r.find(summary.id);
        QVERIFY2(skill.checklist.size() >= 4, qPrintable(summary.id));
        int tagged = 0;
        for (const QString &line : skill.checklist) {
            const ChecklistItem item = parseChecklistItem(line);
            if (!item.aspect)
                continue;
            ++tagged;
            QVERIFY2(!item.additions.isEmpty(), qPrintable(summary.id + QStringLiteral(": ") + line));
            // Generic craft words only: nothing that reads as a name (no capitals) in what is added.
            for (const QString &addition : item.additions)
                QVERIFY2(addition == addition.toLower(), qPrintable(addition));
        }
        QVERIFY2(tagged >= 3, qPrintable(summary.id));
        const int lines = skill.body.count(QLatin1Char('\n'));
        QVERIFY2(lines >= 50 && lines <= 160, qPrintable(QStringLiteral("%1: %2 lines").arg(summary.id).arg(lines)));
    }
}

QTEST_GUILESS_MAIN(TestSkillRegistry)
#include "tst_skillregistry.moc"
