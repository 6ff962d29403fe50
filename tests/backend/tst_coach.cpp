// The offline coach (DESIGN §7) with the shipped skills: deterministic answers, the user's words
// kept verbatim, missing aspects added and nothing added that the prompt already says (in any case,
// hyphenation or word form), no invented names or claims, empty and very long prompts, other
// scripts passed through intact, and the chat reply's message, suggestions and streaming.
#include "backend/assistant/coachadapter.h"
#include "backend/assistant/coachrequest.h"
#include "backend/assistant/promptcoach.h"
#include "backend/config/backendsettings.h"
#include "backend/skills/skillregistry.h"

#include <QTest>

using namespace vesper;
using namespace vesper::backend;

namespace {
PromptContext imageContext(const QString &prompt = {}, int references = 0)
{
    PromptContext context;
    context.currentPrompt = prompt;
    context.modelId = QStringLiteral("sketch");
    context.referenceCount = references;
    return context;
}

QStringList kinds(const EnhanceResult &result)
{
    QStringList list;
    for (const PromptChange &change : result.changes)
        list.append(change.kind);
    return list;
}

AssistantRequest chatRequest(const QString &prompt, const QList<SkillText> &skills)
{
    AssistantRequest request;
    request.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("Can you improve this?")}};
    request.context = imageContext(prompt);
    request.skills = skills;
    return request;
}
} // namespace

class TestCoach : public QObject {
    Q_OBJECT

private:
    std::unique_ptr<SkillRegistry> m_registry;
    QList<SkillText> skills(const QStringList &ids) const;
    QList<SkillText> defaults() const { return m_registry->defaultsFor(QStringLiteral("image"), QStringLiteral("sketch")); }

private Q_SLOTS:
    void initTestCase();
    void deterministic();
    void subjectKeptAndMissingAdded();
    void nothingDuplicated_data();
    void nothingDuplicated();
    void wholeWordsOnly();
    void additionsDoNotRepeatEachOther();
    void noInventedNamesOrClaims();
    void emptyPrompt();
    void longPrompts();
    void otherScriptsIntact_data();
    void otherScriptsIntact();
    void punctuationJoins();
    void videoAndReferences();
    void chatReply();
    void builtInChecklistWithoutSkills();
    void readsWhatTheMessageAsks();
    void askedAspectsComeFirstWithTheirTone();
    void aFormatInWordsSetsTheRatio();
};

QList<SkillText> TestCoach::skills(const QStringList &ids) const
{
    QList<SkillText> list;
    for (const QString &id : ids)
        list.append(*m_registry->find(id));
    return list;
}

void TestCoach::initTestCase()
{
    m_registry = std::make_unique<SkillRegistry>(SkillRegistryOptions{BackendSettings::defaultSkillsDir(), QString(), 0, 1000, {}});
    QVERIFY(m_registry->find(QStringLiteral("image-prompting")));
    QCOMPARE(defaults().size(), 1);
}

void TestCoach::deterministic()
{
    const QString prompt = QStringLiteral("a red fox in fresh snow");
    const EnhanceResult first = enhancePrompt(prompt, imageContext(prompt), defaults());
    for (int i = 0; i < 20; ++i)
        QCOMPARE(enhancePrompt(prompt, imageContext(prompt), defaults()), first);
    const AssistantReply reply = CoachAdapter::answer(chatRequest(prompt, defaults()));
    QCOMPARE(CoachAdapter::answer(chatRequest(prompt, defaults())), reply);
}

void TestCoach::subjectKeptAndMissingAdded()
{
    const QString prompt = QStringLiteral("A Lighthouse  on a cliff");
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), defaults());
    QVERIFY2(result.enhancedPrompt.startsWith(prompt + QStringLiteral(", ")), qPrintable(result.enhancedPrompt)); // verbatim, even the double space
    QCOMPARE(kinds(result), (QStringList{QStringLiteral("subject"), QStringLiteral("style"), QStringLiteral("composition"),
                                         QStringLiteral("lighting"), QStringLiteral("camera"), QStringLiteral("mood")}));
    // "golden hour" is light, not a detail of the subject: the subject still gets one.
    const QString lit = QStringLiteral("a fox in the snow at golden hour");
    const QStringList litKinds = kinds(enhancePrompt(lit, imageContext(lit), defaults()));
    QVERIFY(litKinds.contains(QStringLiteral("subject")));
    QVERIFY(!litKinds.contains(QStringLiteral("lighting")));
    for (const PromptChange &change : result.changes) {
        QVERIFY(result.enhancedPrompt.contains(change.added));
        QVERIFY(change.reason.startsWith(QStringLiteral("Added ")));
        QVERIFY(!change.reason.contains(QLatin1Char('\n')));
    }
}

void TestCoach::nothingDuplicated_data()
{
    QTest::addColumn<QString>("prompt");
    QTest::addColumn<QString>("covered");
    QTest::newRow("golden hour") << QStringLiteral("a harbour at Golden Hour") << QStringLiteral("lighting");
    QTest::newRow("golden-hour hyphen") << QStringLiteral("a harbour, golden-hour") << QStringLiteral("lighting");
    QTest::newRow("backlit") << QStringLiteral("a BACKLIT dancer") << QStringLiteral("lighting");
    QTest::newRow("shadows prefix") << QStringLiteral("a hallway full of shadows") << QStringLiteral("lighting");
    QTest::newRow("85mm") << QStringLiteral("a portrait, 85mm") << QStringLiteral("camera");
    QTest::newRow("85 mm") << QStringLiteral("a portrait, 85 mm") << QStringLiteral("camera");
    QTest::newRow("f/1.8") << QStringLiteral("a portrait at f/1.8") << QStringLiteral("camera");
    QTest::newRow("close-up") << QStringLiteral("a close-up of a bee") << QStringLiteral("composition");
    QTest::newRow("closeup") << QStringLiteral("a closeup of a bee") << QStringLiteral("composition");
    QTest::newRow("bird's-eye") << QStringLiteral("a market from a bird's-eye view") << QStringLiteral("composition");
    QTest::newRow("watercolour") << QStringLiteral("a watercolour of a bee") << QStringLiteral("style");
    QTest::newRow("photograph") << QStringLiteral("a photograph of a bee") << QStringLiteral("style");
    QTest::newRow("melancholic") << QStringLiteral("a melancholic street") << QStringLiteral("mood");
    QTest::newRow("atmospheric") << QStringLiteral("an atmospheric street") << QStringLiteral("mood");
    QTest::newRow("detail colour") << QStringLiteral("a crimson kite") << QStringLiteral("subject");
}

void TestCoach::nothingDuplicated()
{
    QFETCH(QString, prompt);
    QFETCH(QString, covered);
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), defaults());
    QVERIFY2(!kinds(result).contains(covered), qPrintable(result.enhancedPrompt));
    QVERIFY(result.enhancedPrompt.startsWith(prompt));
}

void TestCoach::wholeWordsOnly()
{
    // "little" holds "lit", "overlapping" holds "lapping"; "compose" in a word is not composition.
    const QString prompt = QStringLiteral("a little splitting fox");
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), defaults());
    QVERIFY(kinds(result).contains(QStringLiteral("lighting")));
    // A prompt that covers everything gets nothing but is left alone.
    const QString full = QStringLiteral("a weathered brass compass on a wooden desk, editorial photograph, close-up, soft window light, "
                                        "85mm lens, calm mood");
    const EnhanceResult complete = enhancePrompt(full, imageContext(full), defaults());
    QCOMPARE(complete.enhancedPrompt, full);
    QVERIFY(complete.changes.isEmpty());
}

void TestCoach::additionsDoNotRepeatEachOther()
{
    // With every shipped image skill at once, each aspect is added at most once.
    const QList<SkillText> all = skills({QStringLiteral("cover-design"), QStringLiteral("photo-lighting"),
                                         QStringLiteral("image-prompting"), QStringLiteral("image-iteration")});
    const QString prompt = QStringLiteral("a teapot");
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt, 1), all);
    const QStringList list = kinds(result);
    QCOMPARE(QSet<QString>(list.cbegin(), list.cend()).size(), list.size());
    QVERIFY(list.contains(QStringLiteral("aspect")));
    QVERIFY(list.contains(QStringLiteral("reference")));
    QVERIFY(result.enhancedPrompt.size() <= kCoachMaxPromptLength);
}

void TestCoach::noInventedNamesOrClaims()
{
    const QString prompt = QStringLiteral("a bottle of Acme shampoo on a bathroom shelf");
    for (const QStringList &ids : {QStringList{QStringLiteral("image-prompting")}, QStringList{QStringLiteral("cover-design")},
                                   QStringList{QStringLiteral("photo-lighting")}}) {
        const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), skills(ids));
        const QString added = result.enhancedPrompt.mid(prompt.size()).toLower();
        QVERIFY(!added.isEmpty());
        QVERIFY(!added.contains(QStringLiteral("acme")));
        for (const char *claim : {"best", "award", "guarantee", "certified", "organic", "premium", "#1", "no. 1", "world's", "clinically", "brand", "logo"})
            QVERIFY2(!added.contains(QLatin1String(claim)), claim);
        for (const PromptChange &change : result.changes)
            QCOMPARE(change.added, change.added.toLower()); // no proper names
    }
}

void TestCoach::emptyPrompt()
{
    for (const QString &empty : {QString(), QStringLiteral("   \n\t ")}) {
        const EnhanceResult result = enhancePrompt(empty, imageContext(empty), defaults());
        QVERIFY(result.enhancedPrompt.isEmpty());
        QCOMPARE(kinds(result), QStringList{QStringLiteral("other")});
        AssistantRequest request = chatRequest(empty, defaults());
        request.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("  ")}};
        const AssistantReply reply = CoachAdapter::answer(request);
        QVERIFY(reply.suggestions.isEmpty());
        QVERIFY(reply.message.content.contains(QStringLiteral("template")));
        QVERIFY(reply.message.content.contains(QStringLiteral("[subject")));
    }
}

void TestCoach::longPrompts()
{
    QString prompt;
    while (prompt.size() < 5000)
        prompt += QStringLiteral("a quiet village by the sea ");
    prompt.truncate(5000);
    const EnhanceResult over = enhancePrompt(prompt, imageContext(prompt), defaults());
    QCOMPARE(over.enhancedPrompt, prompt.trimmed());
    QCOMPARE(kinds(over), QStringList{QStringLiteral("other")});
    const AssistantReply reply = CoachAdapter::answer(chatRequest(prompt, defaults()));
    QVERIFY(reply.suggestions.isEmpty());
    QVERIFY(reply.message.content.contains(QStringLiteral("characters")));
    // Near the limit: what fits is added, the rest left out and said so, never past 4,000.
    const QString near = QStringLiteral("x").repeated(3950);
    const EnhanceResult fitted = enhancePrompt(near, imageContext(near), defaults());
    QVERIFY(fitted.enhancedPrompt.size() <= kCoachMaxPromptLength);
    QVERIFY(fitted.enhancedPrompt.startsWith(near));
    QCOMPARE(fitted.changes.last().kind, QStringLiteral("other"));
}

void TestCoach::otherScriptsIntact_data()
{
    QTest::addColumn<QString>("prompt");
    QTest::newRow("japanese") << QStringLiteral("夕焼けの海辺を歩く黒猫");
    QTest::newRow("arabic") << QStringLiteral("قطة سوداء تمشي على الشاطئ");
    QTest::newRow("emoji zwj") << QStringLiteral("👩🏽‍🚀 astronaut with a 🏳️‍🌈 flag");
    QTest::newRow("combining") << QStringLiteral("cafe\u0301 terrace, Ελληνικό ΦΩΣ"); // decomposed é, Greek capitals
    QTest::newRow("german sharp s") << QStringLiteral("STRAẞE im Regen");
}

void TestCoach::otherScriptsIntact()
{
    QFETCH(QString, prompt);
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), defaults());
    QVERIFY(result.enhancedPrompt.startsWith(prompt)); // code unit for code unit: no case folding, nothing split
    QVERIFY(result.enhancedPrompt.size() > prompt.size());
    QVERIFY(result.enhancedPrompt.isValidUtf16());
    const AssistantReply reply = CoachAdapter::answer(chatRequest(prompt, defaults()));
    QVERIFY(!reply.suggestions.isEmpty());
    for (const Suggestion &suggestion : reply.suggestions)
        QVERIFY(suggestion.prompt.startsWith(prompt));
}

void TestCoach::punctuationJoins()
{
    const QString sentence = QStringLiteral("A fox sleeps in the snow.");
    const QString joined = enhancePrompt(sentence, imageContext(sentence), defaults()).enhancedPrompt;
    QVERIFY2(joined.startsWith(sentence + QStringLiteral(" With ")), qPrintable(joined));
    QVERIFY(joined.endsWith(QLatin1Char('.')));
    const QString trailing = QStringLiteral("a fox, ");
    QVERIFY(enhancePrompt(trailing, imageContext(trailing), defaults()).enhancedPrompt.startsWith(QStringLiteral("a fox, with")));
}

void TestCoach::videoAndReferences()
{
    PromptContext video = imageContext(QStringLiteral("a dog at the beach"));
    video.generationType = QStringLiteral("video");
    const QList<SkillText> videoDefaults = m_registry->defaultsFor(QStringLiteral("video"), QString());
    QCOMPARE(videoDefaults.size(), 1);
    const EnhanceResult moving = enhancePrompt(video.currentPrompt, video, videoDefaults);
    QVERIFY(kinds(moving).contains(QStringLiteral("motion")));
    QVERIFY(!kinds(enhancePrompt(video.currentPrompt, imageContext(video.currentPrompt), videoDefaults)).contains(QStringLiteral("motion")));
    const QString runs = QStringLiteral("a dog runs slowly along the beach");
    video.currentPrompt = runs;
    QVERIFY(!kinds(enhancePrompt(runs, video, videoDefaults)).contains(QStringLiteral("motion")));

    const QList<SkillText> iterate = skills({QStringLiteral("image-iteration")});
    const QString edit = QStringLiteral("the same cat, now asleep");
    QVERIFY(!kinds(enhancePrompt(edit, imageContext(edit, 0), iterate)).contains(QStringLiteral("reference")));
    const QString noKeep = QStringLiteral("the cat, now asleep");
    QVERIFY(kinds(enhancePrompt(noKeep, imageContext(noKeep, 2), iterate)).contains(QStringLiteral("reference")));
    QVERIFY(!kinds(enhancePrompt(edit, imageContext(edit, 2), iterate)).contains(QStringLiteral("reference"))); // "same" says it
}

void TestCoach::chatReply()
{
    const QString prompt = QStringLiteral("a fox in the snow");
    CoachAdapter coach;
    QCOMPARE(coach.name(), QStringLiteral("coach"));
    QString streamed;
    int deltas = 0;
    const std::atomic_bool notCancelled{false};
    const AssistantResult result = coach.reply(chatRequest(prompt, defaults()), [&](const QString &delta) { streamed += delta; ++deltas; }, notCancelled);
    QVERIFY(result.reply);
    QCOMPARE(streamed, result.reply->message.content);
    QVERIFY(deltas > 1);
    QCOMPARE(result.reply->message.role, QStringLiteral("assistant"));
    QVERIFY(result.reply->message.content.contains(QStringLiteral("Image prompting craft")));
    QVERIFY(!result.reply->message.content.contains(prompt)); // the message never echoes the prompt
    const QList<Suggestion> &suggestions = result.reply->suggestions;
    QCOMPARE(suggestions.size(), 3);
    QStringList prompts;
    for (const Suggestion &s : suggestions) {
        QVERIFY(s.prompt.startsWith(prompt + QStringLiteral(", ")));
        QVERIFY(!s.rationale.isEmpty());
        QVERIFY(!s.negativePrompt);
        prompts.append(s.prompt);
    }
    QCOMPARE(QSet<QString>(prompts.cbegin(), prompts.cend()).size(), 3);
    QVERIFY(suggestions.at(1).prompt.size() < suggestions.at(0).prompt.size()); // the minimal fix is shorter

    const std::atomic_bool cancelled{true};
    QVERIFY(!coach.reply(chatRequest(prompt, defaults()), {}, cancelled).reply);

    // An empty bar: the last user message is read as the prompt.
    AssistantRequest fromMessage = chatRequest(QString(), defaults());
    fromMessage.messages.append(ChatMessage{QStringLiteral("user"), prompt});
    const AssistantReply read = CoachAdapter::answer(fromMessage);
    QVERIFY(read.message.content.contains(QStringLiteral("last message")));
    QCOMPARE(read.suggestions.first().prompt, suggestions.first().prompt);
}

void TestCoach::builtInChecklistWithoutSkills()
{
    const QString prompt = QStringLiteral("a teapot");
    const EnhanceResult result = enhancePrompt(prompt, imageContext(prompt), {});
    QCOMPARE(result.changes.size(), 6);
    QVERIFY(result.enhancedPrompt.startsWith(QStringLiteral("a teapot, ")));
}

QTEST_GUILESS_MAIN(TestCoach)


void TestCoach::readsWhatTheMessageAsks()
{
    const CoachRequest framing = readCoachRequest(QStringLiteral("Tighter framing please, and another lens?"));
    QCOMPARE(framing.aspects, (QList<PromptAspect>{PromptAspect::Composition, PromptAspect::Camera}));
    QCOMPARE(framing.tone, CoachRequest::Tone::Neutral);
    const CoachRequest moodier = readCoachRequest(QStringLiteral("Make it moodier, and suggest the lighting."));
    QCOMPARE(moodier.tone, CoachRequest::Tone::Darker);
    QCOMPARE(moodier.aspects, (QList<PromptAspect>{PromptAspect::Mood, PromptAspect::Lighting}));
    QCOMPARE(readCoachRequest(QStringLiteral("Make it lighter and more cheerful")).tone, CoachRequest::Tone::Brighter);
    // Whole words only, and another language is "improve it".
    QVERIFY(readCoachRequest(QStringLiteral("a highlight reel")).aspects.isEmpty());
    QVERIFY(readCoachRequest(QStringLiteral("もっと雰囲気を出して")).aspects.isEmpty());
}

void TestCoach::askedAspectsComeFirstWithTheirTone()
{
    // "glowing" already says something about light; the user asks for lighting anyway, and moodier.
    const QString prompt = QStringLiteral("deep ocean blues with a glowing teal jellyfish");
    AssistantRequest request = chatRequest(prompt, defaults());
    request.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("Make it moodier, and suggest the lighting.")}};
    const AssistantReply reply = CoachAdapter::answer(request);
    QVERIFY2(reply.message.content.contains(QStringLiteral("You asked about")), qPrintable(reply.message.content));
    QVERIFY(reply.suggestions.size() >= 2);
    for (const Suggestion &suggestion : reply.suggestions) {
        QVERIFY2(suggestion.prompt.startsWith(prompt), qPrintable(suggestion.prompt)); // the user's words first, untouched
        const QString added = suggestion.prompt.mid(prompt.size());
        QVERIFY2(added.contains(QStringLiteral("shadows")), qPrintable(added)); // darker light, every suggestion
        QVERIFY2(added.contains(QStringLiteral("moody")) || added.contains(QStringLiteral("dramatic")), qPrintable(added));
        QVERIFY2(!added.contains(QStringLiteral("calm")), qPrintable(added)); // not the neutral mood
    }
    // The short one is exactly what was asked: mood, then lighting.
    QVERIFY2(reply.suggestions.at(1).rationale.startsWith(QStringLiteral("Just what you asked")), qPrintable(reply.suggestions.at(1).rationale));
    QCOMPARE(reply.suggestions.at(1).prompt, prompt + QStringLiteral(", moody, brooding atmosphere, low-key light with deep, soft shadows"));
    // Deterministic, and a neutral question leaves the checklist's order.
    QCOMPARE(CoachAdapter::answer(request), reply);
    QVERIFY(!CoachAdapter::answer(chatRequest(prompt, defaults())).message.content.contains(QStringLiteral("You asked about")));
}

void TestCoach::aFormatInWordsSetsTheRatio()
{
    QCOMPARE(readCoachRequest(QStringLiteral("Make it vertical for a phone wallpaper")).aspectRatio, QStringLiteral("9:16"));
    QCOMPARE(readCoachRequest(QStringLiteral("as a 16:9 banner")).aspectRatio, QStringLiteral("16:9"));
    QCOMPARE(readCoachRequest(QStringLiteral("square, please")).aspectRatio, QStringLiteral("1:1"));
    QVERIFY(readCoachRequest(QStringLiteral("make it vertical")).aspects.contains(PromptAspect::Aspect));
    QVERIFY(readCoachRequest(QStringLiteral("a 5:4 print")).aspectRatio.isEmpty()); // no generation takes 5:4
    QVERIFY(readCoachRequest(QStringLiteral("a portrait of my grandmother")).aspectRatio.isEmpty());

    // Every suggestion says the format in words and sets the same ratio in the bar.
    const QString prompt = QStringLiteral("a lighthouse on a cliff at dusk");
    AssistantRequest request = chatRequest(prompt, defaults());
    request.messages = {ChatMessage{QStringLiteral("user"), QStringLiteral("Make it vertical, for a phone wallpaper.")}};
    const AssistantReply reply = CoachAdapter::answer(request);
    QVERIFY(!reply.suggestions.isEmpty());
    QVERIFY2(reply.message.content.contains(QStringLiteral("sets the aspect ratio to 9:16")), qPrintable(reply.message.content));
    for (const Suggestion &suggestion : reply.suggestions) {
        QVERIFY2(suggestion.prompt.contains(QStringLiteral("9:16")), qPrintable(suggestion.prompt));
        QCOMPARE(suggestion.parameters.value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("9:16"));
        QVERIFY2(suggestion.rationale.contains(QStringLiteral("Sets the format to 9:16")), qPrintable(suggestion.rationale));
    }
    // A message that names no format leaves the bar's ratio alone.
    for (const Suggestion &suggestion : CoachAdapter::answer(chatRequest(prompt, defaults())).suggestions)
        QVERIFY(suggestion.parameters.isEmpty());
}

#include "tst_coach.moc"
