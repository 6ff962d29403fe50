// The assistant over HTTP (DESIGN §7) on a real server: the shipped skills listed and valid, a user
// skill overriding a shipped one and an edit picked up while the server runs, the bootstrap's
// skills, the one-click enhancer (deterministic, additive), the chat's structured suggestions, bad
// bodies refused with a 400 naming the field, and the per-user limit (429 with Retry-After).
#include "replycheck.h"
#include "testclient.h"
#include "testserver.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTest>

using namespace vesper::test;

namespace {
constexpr int kAssistantLimit = 6;

QJsonObject chatBody(const QString &prompt, const QJsonValue &skillIds = QJsonValue::Undefined)
{
    QJsonObject body{{QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                          {QStringLiteral("content"), QStringLiteral("Make this better")}}}},
                     {QStringLiteral("context"), QJsonObject{{QStringLiteral("currentPrompt"), prompt},
                                                             {QStringLiteral("modelId"), QStringLiteral("sketch")},
                                                             {QStringLiteral("generationType"), QStringLiteral("image")},
                                                             {QStringLiteral("referenceCount"), 0}}}};
    if (!skillIds.isUndefined())
        body.insert(QStringLiteral("skillIds"), skillIds);
    return body;
}

QStringList ids(const QJsonArray &skills)
{
    QStringList list;
    for (const QJsonValue &skill : skills)
        list.append(skill.toObject().value(QStringLiteral("id")).toString());
    return list;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size() && file.commit();
}
} // namespace

class TestApiAssistant : public QObject {
    Q_OBJECT

private:
    TestServer m_server;
    std::unique_ptr<TestClient> m_client;
    int m_users = 0;
    /// A new user per test, so each starts with its own assistant budget.
    TestUser freshUser();

private Q_SLOTS:
    void initTestCase();
    void skillsListedAndValid();
    void bootstrapListsSkills();
    void userSkillOverridesAndReloads();
    void enhanceIsDeterministicAndAdditive();
    void enhanceWithChosenSkill();
    void chatReturnsStructuredSuggestions();
    void badBodies_data();
    void badBodies();
    void rateLimited();
    void signedOutRefused();
    void logsCarrySizesNotPrompts();
};

TestUser TestApiAssistant::freshUser()
{
    return m_client->signUp(QStringLiteral("assistant%1@assistant.example.com").arg(++m_users));
}

void TestApiAssistant::initTestCase()
{
    QString reason;
    if (!TestServer::available(&reason))
        QSKIP(qPrintable(reason));
    m_server.setEnv(QStringLiteral("VESPER_ASSISTANT_RATE_LIMIT"), QString::number(kAssistantLimit));
    QVERIFY2(m_server.start(&reason), qPrintable(reason));
    m_client = std::make_unique<TestClient>(m_server.baseUrl());
}

void TestApiAssistant::skillsListedAndValid()
{
    const TestUser user = freshUser();
    const Reply reply = m_client->get(QStringLiteral("/api/skills"), user.accessToken);
    EXPECT_STATUS(reply, 200);
    const QStringList listed = ids(reply.json.value(QStringLiteral("skills")).toArray());
    for (const char *id : {"image-prompting", "image-iteration", "photo-lighting", "video-prompting", "cover-design"})
        QVERIFY2(listed.contains(QLatin1String(id)), qPrintable(listed.join(u',')));
    // Every shipped skill parses cleanly: no errors, no warnings.
    const QJsonArray problems = reply.json.value(QStringLiteral("problems")).toArray();
    QVERIFY2(problems.isEmpty(), QJsonDocument(problems).toJson().constData());
    for (const QJsonValue &value : reply.json.value(QStringLiteral("skills")).toArray()) {
        const QJsonObject skill = value.toObject();
        QCOMPARE(skill.value(QStringLiteral("source")).toString(), QStringLiteral("shipped"));
        QVERIFY(!skill.value(QStringLiteral("name")).toString().isEmpty());
        QVERIFY(!skill.value(QStringLiteral("description")).toString().isEmpty());
        QVERIFY(!skill.contains(QStringLiteral("body"))); // the body stays on the server
    }
}

void TestApiAssistant::bootstrapListsSkills()
{
    const TestUser user = freshUser();
    const Reply reply = m_client->get(QStringLiteral("/api/bootstrap"), user.accessToken);
    EXPECT_STATUS(reply, 200);
    QVERIFY(ids(reply.json.value(QStringLiteral("skills")).toArray()).contains(QStringLiteral("image-prompting")));
}

void TestApiAssistant::userSkillOverridesAndReloads()
{
    const TestUser user = freshUser();
    const QString userSkill = m_server.dataDir() + QStringLiteral("/skills/image-prompting.skill.md");
    QVERIFY(writeFile(userSkill, "---\nname: My house style\ndescription: Mine.\ntags: [image, default]\n---\n"
                                 "## Checklist\n- [lighting] Always my light. Add: \"hard noon sun from above\"\n"));
    const auto skillNamed = [&](const QString &id) {
        const Reply reply = m_client->get(QStringLiteral("/api/skills"), user.accessToken);
        for (const QJsonValue &value : reply.json.value(QStringLiteral("skills")).toArray()) {
            if (value.toObject().value(QStringLiteral("id")).toString() == id)
                return value.toObject();
        }
        return QJsonObject();
    };
    // The registry checks its folders about once a second; the override appears without a restart.
    QTRY_COMPARE_WITH_TIMEOUT(skillNamed(QStringLiteral("image-prompting")).value(QStringLiteral("name")).toString(),
                              QStringLiteral("My house style"), 5000);
    QCOMPARE(skillNamed(QStringLiteral("image-prompting")).value(QStringLiteral("source")).toString(), QStringLiteral("user"));
    // The coach uses the user's checklist now.
    Reply enhanced = m_client->post(QStringLiteral("/api/prompts/enhance"), QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a red kite")}},
                                    user.accessToken);
    EXPECT_STATUS(enhanced, 200);
    QCOMPARE(enhanced.json.value(QStringLiteral("enhancedPrompt")).toString(), QStringLiteral("a red kite, hard noon sun from above"));

    // Broken while running: reported with file and line, and the shipped skill is back.
    QVERIFY(writeFile(userSkill, "---\nname: [unclosed\ndescription: x\n---\n"));
    QTRY_COMPARE_WITH_TIMEOUT(skillNamed(QStringLiteral("image-prompting")).value(QStringLiteral("source")).toString(),
                              QStringLiteral("shipped"), 5000);
    const Reply listed = m_client->get(QStringLiteral("/api/skills"), user.accessToken);
    const QJsonArray problems = listed.json.value(QStringLiteral("problems")).toArray();
    QCOMPARE(problems.size(), 1);
    QCOMPARE(problems.at(0).toObject().value(QStringLiteral("file")).toString(), QStringLiteral("image-prompting.skill.md"));
    QCOMPARE(problems.at(0).toObject().value(QStringLiteral("source")).toString(), QStringLiteral("user"));
    QVERIFY(problems.at(0).toObject().value(QStringLiteral("line")).toInt() >= 2);
    QVERIFY(QFile::remove(userSkill));
    QTRY_VERIFY_WITH_TIMEOUT(m_client->get(QStringLiteral("/api/skills"), user.accessToken)
                                 .json.value(QStringLiteral("problems")).toArray().isEmpty(), 5000);
}

void TestApiAssistant::enhanceIsDeterministicAndAdditive()
{
    const TestUser user = freshUser();
    const QJsonObject body{{QStringLiteral("prompt"), QStringLiteral("a lighthouse on a cliff at golden hour")},
                           {QStringLiteral("modelId"), QStringLiteral("sketch")}};
    const Reply first = m_client->post(QStringLiteral("/api/prompts/enhance"), body, user.accessToken);
    const Reply second = m_client->post(QStringLiteral("/api/prompts/enhance"), body, user.accessToken);
    EXPECT_STATUS(first, 200);
    EXPECT_STATUS(second, 200);
    QCOMPARE(first.body, second.body);
    const QString enhanced = first.json.value(QStringLiteral("enhancedPrompt")).toString();
    QVERIFY2(enhanced.startsWith(QStringLiteral("a lighthouse on a cliff at golden hour, ")), qPrintable(enhanced));
    const QJsonArray changes = first.json.value(QStringLiteral("changes")).toArray();
    QVERIFY(changes.size() >= 3);
    QStringList kinds;
    for (const QJsonValue &change : changes) {
        kinds.append(change.toObject().value(QStringLiteral("kind")).toString());
        QVERIFY(!change.toObject().value(QStringLiteral("reason")).toString().isEmpty());
        QVERIFY(enhanced.contains(change.toObject().value(QStringLiteral("added")).toString()));
    }
    QVERIFY2(!kinds.contains(QStringLiteral("lighting")), qPrintable(kinds.join(u','))); // "golden hour" is lighting
    QVERIFY(kinds.contains(QStringLiteral("style")));
}

void TestApiAssistant::enhanceWithChosenSkill()
{
    const TestUser user = freshUser();
    const Reply reply = m_client->post(QStringLiteral("/api/prompts/enhance"),
                                       QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a podcast cover with a microphone")},
                                                   {QStringLiteral("skillIds"), QJsonArray{QStringLiteral("cover-design")}}},
                                       user.accessToken);
    EXPECT_STATUS(reply, 200);
    const QString enhanced = reply.json.value(QStringLiteral("enhancedPrompt")).toString();
    QVERIFY2(enhanced.contains(QStringLiteral("space")) && enhanced.contains(QStringLiteral("title")), qPrintable(enhanced));
    QVERIFY2(enhanced.contains(QStringLiteral("16:9")), qPrintable(enhanced));
}

void TestApiAssistant::chatReturnsStructuredSuggestions()
{
    const TestUser user = freshUser();
    const Reply reply = m_client->post(QStringLiteral("/api/assistant/chat"), chatBody(QStringLiteral("a fox in the snow")), user.accessToken);
    EXPECT_STATUS(reply, 200);
    const QJsonObject message = reply.json.value(QStringLiteral("message")).toObject();
    QCOMPARE(message.value(QStringLiteral("role")).toString(), QStringLiteral("assistant"));
    QVERIFY(message.value(QStringLiteral("content")).toString().contains(QStringLiteral("**Missing:**")));
    const QJsonArray suggestions = reply.json.value(QStringLiteral("suggestions")).toArray();
    QVERIFY2(suggestions.size() >= 2 && suggestions.size() <= 3, reply.body.constData());
    for (const QJsonValue &value : suggestions) {
        const QJsonObject suggestion = value.toObject();
        QVERIFY(suggestion.value(QStringLiteral("prompt")).toString().startsWith(QStringLiteral("a fox in the snow, ")));
        QVERIFY(!suggestion.value(QStringLiteral("rationale")).toString().isEmpty());
    }
    // The same conversation answers the same way.
    const Reply again = m_client->post(QStringLiteral("/api/assistant/chat"), chatBody(QStringLiteral("a fox in the snow")), user.accessToken);
    QCOMPARE(again.body, reply.body);
}

void TestApiAssistant::badBodies_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("mentions");
    const QString chat = QStringLiteral("/api/assistant/chat");
    const QString enhance = QStringLiteral("/api/prompts/enhance");
    const auto json = [](const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); };
    QTest::newRow("chat malformed") << chat << QByteArray("{\"messages\": [") << QString();
    QTest::newRow("chat not object") << chat << QByteArray("[1,2]") << QString();
    QTest::newRow("chat no messages") << chat << json(QJsonObject{}) << QStringLiteral("messages");
    QTest::newRow("chat empty messages") << chat << json(QJsonObject{{QStringLiteral("messages"), QJsonArray{}}}) << QStringLiteral("messages");
    QTest::newRow("chat message wrong type") << chat << json(QJsonObject{{QStringLiteral("messages"), QJsonArray{42}}}) << QStringLiteral("messages[0]");
    QTest::newRow("chat bad role") << chat
                                   << json(QJsonObject{{QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("system")},
                                                                                                            {QStringLiteral("content"), QStringLiteral("x")}}}}})
                                   << QStringLiteral("role");
    QJsonArray many;
    for (int i = 0; i < 51; ++i)
        many.append(QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), QStringLiteral("x")}});
    QTest::newRow("chat 51 messages") << chat << json(QJsonObject{{QStringLiteral("messages"), many}}) << QStringLiteral("50");
    QJsonObject huge = chatBody(QStringLiteral("a fox"));
    huge.insert(QStringLiteral("messages"), QJsonArray{QJsonObject{{QStringLiteral("role"), QStringLiteral("user")},
                                                                   {QStringLiteral("content"), QString(20001, u'x')}}});
    QTest::newRow("chat huge message") << chat << json(huge) << QStringLiteral("messages[0].content");
    QTest::newRow("chat unknown skill") << chat << json(chatBody(QStringLiteral("a fox"), QJsonArray{QStringLiteral("no-such-skill")}))
                                        << QStringLiteral("no-such-skill");
    QTest::newRow("chat skillIds not array") << chat << json(chatBody(QStringLiteral("a fox"), QStringLiteral("image-prompting")))
                                             << QStringLiteral("skillIds");
    QJsonObject badContext = chatBody(QStringLiteral("a fox"));
    badContext.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("referenceCount"), QStringLiteral("two")}});
    QTest::newRow("chat referenceCount text") << chat << json(badContext) << QStringLiteral("referenceCount");
    QJsonObject badType = chatBody(QStringLiteral("a fox"));
    badType.insert(QStringLiteral("context"), QJsonObject{{QStringLiteral("generationType"), QStringLiteral("audio")}});
    QTest::newRow("chat generationType") << chat << json(badType) << QStringLiteral("generationType");
    QTest::newRow("enhance no prompt") << enhance << json(QJsonObject{}) << QStringLiteral("prompt");
    QTest::newRow("enhance prompt number") << enhance << json(QJsonObject{{QStringLiteral("prompt"), 7}}) << QStringLiteral("prompt");
    QTest::newRow("enhance huge prompt") << enhance << json(QJsonObject{{QStringLiteral("prompt"), QString(20001, u'y')}}) << QStringLiteral("prompt");
    QTest::newRow("enhance unknown model") << enhance
                                           << json(QJsonObject{{QStringLiteral("prompt"), QStringLiteral("x")}, {QStringLiteral("modelId"), QStringLiteral("nope")}})
                                           << QStringLiteral("nope");
    QTest::newRow("enhance unknown skill") << enhance
                                           << json(QJsonObject{{QStringLiteral("prompt"), QStringLiteral("x")},
                                                               {QStringLiteral("skillIds"), QJsonArray{QStringLiteral("image-prompting"), QStringLiteral("ghost")}}})
                                           << QStringLiteral("ghost");
    QTest::newRow("enhance bad skill id") << enhance
                                          << json(QJsonObject{{QStringLiteral("prompt"), QStringLiteral("x")},
                                                              {QStringLiteral("skillIds"), QJsonArray{QStringLiteral("../../etc/passwd")}}})
                                          << QStringLiteral("skillIds");
}

void TestApiAssistant::badBodies()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, body);
    QFETCH(QString, mentions);
    static const TestUser user = freshUser(); // refused bodies do not count against the limit
    const Reply reply = m_client->send("POST", path, body, user.accessToken, {{"Content-Type", "application/json"}});
    EXPECT_STATUS(reply, 400);
    QCOMPARE(reply.code(), QStringLiteral("VALIDATION_ERROR"));
    const QString error = reply.json.value(QStringLiteral("error")).toString();
    QVERIFY2(error.contains(mentions), qPrintable(error));
}

void TestApiAssistant::rateLimited()
{
    const TestUser user = freshUser();
    const TestUser other = freshUser();
    const QJsonObject body{{QStringLiteral("prompt"), QStringLiteral("a blue bicycle")}};
    // (EXPECT_STATUS reads its argument twice: each call is made once, into a variable.)
    const auto enhance = [&](const TestUser &who) { return m_client->post(QStringLiteral("/api/prompts/enhance"), body, who.accessToken); };
    const auto chat = [&](const TestUser &who) {
        return m_client->post(QStringLiteral("/api/assistant/chat"), chatBody(QStringLiteral("a blue bicycle")), who.accessToken);
    };
    for (int i = 0; i < kAssistantLimit / 2; ++i) {
        const Reply enhanced = enhance(user);
        EXPECT_STATUS(enhanced, 200);
        const Reply answered = chat(user);
        EXPECT_STATUS(answered, 200);
    }
    // Chat and enhance share the budget.
    const Reply refused = chat(user);
    EXPECT_STATUS(refused, 429);
    QCOMPARE(refused.code(), QStringLiteral("RATE_LIMITED"));
    QVERIFY(refused.headers.value("retry-after").toInt() >= 1);
    const Reply refusedEnhance = enhance(user);
    EXPECT_STATUS(refusedEnhance, 429);
    // Per user: someone else is still served, and the skills list is not limited.
    const Reply otherServed = enhance(other);
    EXPECT_STATUS(otherServed, 200);
    const Reply listed = m_client->get(QStringLiteral("/api/skills"), user.accessToken);
    EXPECT_STATUS(listed, 200);
}

void TestApiAssistant::signedOutRefused()
{
    const Reply skills = m_client->get(QStringLiteral("/api/skills"));
    EXPECT_STATUS(skills, 401);
    const Reply enhanced = m_client->post(QStringLiteral("/api/prompts/enhance"), QJsonObject{{QStringLiteral("prompt"), QStringLiteral("x")}});
    EXPECT_STATUS(enhanced, 401);
    const Reply chat = m_client->post(QStringLiteral("/api/assistant/chat"), chatBody(QStringLiteral("x")));
    EXPECT_STATUS(chat, 401);
}

// The server's log tells how big and how slow each assistant call was, never what the user wrote.
void TestApiAssistant::logsCarrySizesNotPrompts()
{
    const TestUser user = freshUser();
    const QString marker = QStringLiteral("quetzalmarker");
    const Reply enhanced = m_client->post(QStringLiteral("/api/prompts/enhance"),
                                          QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a %1 over a lake").arg(marker)}},
                                          user.accessToken);
    EXPECT_STATUS(enhanced, 200);
    const Reply answered = m_client->post(QStringLiteral("/api/assistant/chat"), chatBody(QStringLiteral("a %1 in the rain").arg(marker)), user.accessToken);
    EXPECT_STATUS(answered, 200);
    const Reply streamed = m_client->send("POST", QStringLiteral("/api/assistant/chat"),
                                          QJsonDocument(chatBody(QStringLiteral("a %1 at dawn").arg(marker))).toJson(QJsonDocument::Compact),
                                          user.accessToken, {{"Accept", "text/event-stream"}});
    EXPECT_STATUS(streamed, 200);
    QVERIFY(streamed.body.contains("event: done"));

    QFile log(m_server.dataDir() + QStringLiteral("/server.stderr.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY2(!text.contains(marker.toUtf8()), "a prompt's words reached the server log");
    QVERIFY2(text.contains("enhance: prompt ") && text.contains(" chars"), "the enhance call's size is not logged");
    QVERIFY2(text.contains("chat via coach: "), "the chat calls are not logged");
}

QTEST_GUILESS_MAIN(TestApiAssistant)
#include "tst_api_assistant.moc"
