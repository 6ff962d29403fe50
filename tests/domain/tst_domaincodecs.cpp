// The domain types read and write exactly the JSON the backend's HTTP API writes (samples copied
// from rowcodec, the bootstrap, members and the model catalogue), and refuse garbage naming the field.
#include "domain/generation.h"
#include "domain/generationstatus.h"
#include "domain/member.h"
#include "domain/memberrole.h"
#include "domain/modelinfo.h"
#include "domain/output.h"
#include "domain/profile.h"
#include "domain/project.h"
#include "domain/session.h"
#include "domain/sessiontype.h"
#include "domain/wiretime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cstdlib>
#include <ctime>

using namespace vesper;

namespace {
// GET /api/projects/with-thumbnails item (rowcodec::projectFields), seen by an editor.
const char *kProject = R"({"id":"0193a5c2-7e41-7c3a-9d2e-4b8f1a2c3d4e","name":"Autumn campaign","description":"Moodboards for the «Harvest» launch — café \u00e9t\u00e9","ownerId":"0193a5c0-1111-7aaa-8bbb-0123456789ab","isShared":true,"createdAt":"2026-11-20T09:15:02.000417Z","updatedAt":"2026-11-22T04:00:00.123456Z","owner":{"id":"0193a5c0-1111-7aaa-8bbb-0123456789ab","displayName":"Ada Lovelace","username":null},"role":"editor","sessionCount":3,"thumbnailUrl":"/api/outputs/0193a5d0-2222-7ccc-8ddd-0123456789ab/file?variant=thumb"})";

// GET /api/projects/{id}?includeSessions=1 for the owner of a project without images.
const char *kProjectDetail = R"({"id":"0193a5c2-7e41-7c3a-9d2e-4b8f1a2c3d4e","name":"Solo","description":"","ownerId":"0193a5c0-1111-7aaa-8bbb-0123456789ab","isShared":false,"createdAt":"2026-11-20T09:15:02.000000Z","updatedAt":"2026-11-20T09:15:02.000000Z","owner":{"id":"0193a5c0-1111-7aaa-8bbb-0123456789ab","displayName":"Ada Lovelace","username":"ada"},"role":"owner","sessionCount":1,"thumbnailUrl":null,"sessions":[{"id":"0193a5c2-7e42-7000-8000-000000000001","projectId":"0193a5c2-7e41-7c3a-9d2e-4b8f1a2c3d4e","creatorId":"0193a5c0-1111-7aaa-8bbb-0123456789ab","name":"Session 1","type":"image","isPrivate":false,"createdAt":"2026-11-20T09:15:02.000000Z","updatedAt":"2026-11-20T09:15:02.000000Z"}]})";

// GET /api/sessions?projectId= item (rowcodec::sessionFields).
const char *kSession = R"({"id":"0193a5c2-7e42-7000-8000-000000000002","projectId":"0193a5c2-7e41-7c3a-9d2e-4b8f1a2c3d4e","creatorId":"0193a5c0-3333-7aaa-8bbb-0123456789ab","name":"Night shots","type":"video","isPrivate":true,"createdAt":"2026-11-21T23:59:59.999999Z","updatedAt":"2026-11-22T00:00:00.000001Z"})";

// GET /api/generations?sessionId= item: generationFields plus its outputs (outputFields).
const char *kGeneration = R"({"id":"0193a5c8-4444-7eee-8fff-0123456789ab","sessionId":"0193a5c2-7e42-7000-8000-000000000001","userId":"0193a5c0-1111-7aaa-8bbb-0123456789ab","modelId":"gemini-image","prompt":"a lighthouse at dusk, volumetric fog","negativePrompt":"","parameters":{"aspectRatio":"16:9","numOutputs":2,"referenceUploadIds":["0193a5c7-5555-7aaa-8bbb-0123456789ab"],"resolution":"1024","seed":1234567890},"status":"completed","progress":100,"progressIsEstimate":true,"error":null,"cost":8,"createdAt":"2026-11-22T04:00:00.123456Z","startedAt":"2026-11-22T04:00:00.500001Z","finishedAt":"2026-11-22T04:00:09.870000Z","outputs":[{"id":"0193a5d0-2222-7ccc-8ddd-0123456789ab","generationId":"0193a5c8-4444-7eee-8fff-0123456789ab","sessionId":"0193a5c2-7e42-7000-8000-000000000001","fileType":"image","width":1024,"height":576,"isStarred":true,"createdAt":"2026-11-22T04:00:05.000100Z","thumbnailUrl":"/api/outputs/0193a5d0-2222-7ccc-8ddd-0123456789ab/file?variant=thumb","url":"/api/outputs/0193a5d0-2222-7ccc-8ddd-0123456789ab/file?variant=full"},{"id":"0193a5d0-2223-7ccc-8ddd-0123456789ab","generationId":"0193a5c8-4444-7eee-8fff-0123456789ab","sessionId":"0193a5c2-7e42-7000-8000-000000000001","fileType":"image","width":null,"height":null,"isStarred":false,"createdAt":"2026-11-22T04:00:09.860000Z","thumbnailUrl":"/api/outputs/0193a5d0-2223-7ccc-8ddd-0123456789ab/file?variant=thumb","url":"/api/outputs/0193a5d0-2223-7ccc-8ddd-0123456789ab/file?variant=full"}]})";

// A changes-feed "data" object of a failed generation: no outputs there.
const char *kFailedGeneration = R"({"id":"0193a5c8-4445-7eee-8fff-0123456789ab","sessionId":"0193a5c2-7e42-7000-8000-000000000001","userId":"0193a5c0-1111-7aaa-8bbb-0123456789ab","modelId":"a1111-sd","prompt":"x","negativePrompt":"blurry","parameters":{"aspectRatio":"1:1","numOutputs":1,"resolution":"512","seed":0},"status":"failed","progress":37,"progressIsEstimate":false,"error":{"code":"BAD_RESPONSE","message":"the web UI answered without an image"},"cost":1,"createdAt":"2026-11-22T04:01:00.000000Z","startedAt":null,"finishedAt":"2026-11-22T04:01:02.250000Z"})";

// GET /api/projects/{id}/images item, PATCH /api/outputs/{id} answer (rowcodec::outputFields).
const char *kOutput = R"({"id":"0193a5d0-2222-7ccc-8ddd-0123456789ab","generationId":"0193a5c8-4444-7eee-8fff-0123456789ab","sessionId":"0193a5c2-7e42-7000-8000-000000000001","fileType":"image","width":1024,"height":576,"isStarred":false,"createdAt":"2026-11-22T04:00:05.000100Z","thumbnailUrl":"/api/outputs/0193a5d0-2222-7ccc-8ddd-0123456789ab/file?variant=thumb","url":"/api/outputs/0193a5d0-2222-7ccc-8ddd-0123456789ab/file?variant=full"})";

// GET /api/bootstrap "profile": Profile::toJson without username.
const char *kProfile = R"({"id":"0193a5c0-1111-7aaa-8bbb-0123456789ab","email":"ada@example.com","displayName":"Ada Lovelace","credits":120})";

// GET /api/projects/{id}/members item.
const char *kMember = R"({"userId":"0193a5c0-3333-7aaa-8bbb-0123456789ab","email":"grace@example.com","displayName":"Grace Hopper","role":"viewer","joinedAt":"2026-11-21T12:30:45.654321Z"})";

// GET /api/models entry (ModelCatalog::models) of an unconfigured provider.
const char *kModel = R"({"id":"gemini-image","name":"Gemini image","provider":"gemini","type":"image","aspectRatios":["1:1","4:3","3:4","16:9","9:16"],"resolutions":["1024"],"maxOutputs":4,"cost":4,"available":false,"maxReferenceImages":3,"description":"Google Gemini image generation; takes up to 3 reference images. Not configured on this server: set GEMINI_API_KEY."})";

QJsonObject parse(const char *json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        qFatal("test sample is not a JSON object: %s", qPrintable(parseError.errorString()));
    return document.object();
}

template <typename T>
std::optional<QJsonObject> reencodeAs(const QJsonObject &json, QString *error)
{
    const std::optional<T> value = T::fromJson(json, error);
    return value ? std::optional<QJsonObject>(value->toJson()) : std::nullopt;
}

/// toJson(fromJson(json)) of the type named kind; nullopt with *error when fromJson refused.
std::optional<QJsonObject> reencode(const QString &kind, const QJsonObject &json, QString *error)
{
    if (kind == QLatin1String("Project"))
        return reencodeAs<Project>(json, error);
    if (kind == QLatin1String("Session"))
        return reencodeAs<Session>(json, error);
    if (kind == QLatin1String("Generation"))
        return reencodeAs<Generation>(json, error);
    if (kind == QLatin1String("Output"))
        return reencodeAs<Output>(json, error);
    if (kind == QLatin1String("Profile"))
        return reencodeAs<Profile>(json, error);
    if (kind == QLatin1String("Member"))
        return reencodeAs<Member>(json, error);
    if (kind == QLatin1String("ModelInfo"))
        return reencodeAs<ModelInfo>(json, error);
    qFatal("unknown kind %s", qPrintable(kind));
}

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

/// json with one member replaced (or removed when value is undefined), at a path like "owner.username".
QJsonObject edited(QJsonObject json, const QStringList &path, const QJsonValue &value)
{
    if (path.size() == 1) {
        if (value.isUndefined())
            json.remove(path.first());
        else
            json.insert(path.first(), value);
        return json;
    }
    json.insert(path.first(), edited(json.value(path.first()).toObject(), path.mid(1), value));
    return json;
}
} // namespace

class TestDomainCodecs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("json");
        QTest::newRow("project list item") << QStringLiteral("Project") << QByteArray(kProject);
        QTest::newRow("project detail with sessions") << QStringLiteral("Project") << QByteArray(kProjectDetail);
        QTest::newRow("session") << QStringLiteral("Session") << QByteArray(kSession);
        QTest::newRow("generation with outputs") << QStringLiteral("Generation") << QByteArray(kGeneration);
        QTest::newRow("failed generation from the feed") << QStringLiteral("Generation") << QByteArray(kFailedGeneration);
        QTest::newRow("output") << QStringLiteral("Output") << QByteArray(kOutput);
        QTest::newRow("profile") << QStringLiteral("Profile") << QByteArray(kProfile);
        QTest::newRow("member") << QStringLiteral("Member") << QByteArray(kMember);
        QTest::newRow("model") << QStringLiteral("ModelInfo") << QByteArray(kModel);
    }
    void roundTrip()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, json);
        const QJsonObject sample = parse(json.constData());
        QString error;
        const std::optional<QJsonObject> again = reencode(kind, sample, &error);
        QVERIFY2(again.has_value(), qPrintable(error));
        QCOMPARE(compact(*again), compact(sample));
        QVERIFY(*again == sample);
    }

    void decodedValues()
    {
        const auto project = Project::fromJson(parse(kProject));
        QVERIFY(project.has_value());
        QCOMPARE(project->role, MemberRole::Editor);
        QCOMPARE(project->owner.displayName, QStringLiteral("Ada Lovelace"));
        QVERIFY(!project->owner.username.has_value());
        QCOMPARE(project->sessionCount, 3);
        QCOMPARE(project->updatedAt, Q_INT64_C(1795320000123456));
        QVERIFY(!project->sessions.has_value());

        const auto detail = Project::fromJson(parse(kProjectDetail));
        QVERIFY(detail.has_value());
        QVERIFY(!detail->thumbnailUrl.has_value());
        QVERIFY(detail->sessions.has_value());
        QCOMPARE(detail->sessions->size(), 1);
        QCOMPARE(detail->sessions->first().name, QStringLiteral("Session 1"));

        const auto session = Session::fromJson(parse(kSession));
        QVERIFY(session.has_value());
        QCOMPARE(session->type, SessionType::Video);
        QCOMPARE(session->createdAt % 1000000, 999999);

        const auto generation = Generation::fromJson(parse(kGeneration));
        QVERIFY(generation.has_value());
        QCOMPARE(generation->status, GenerationStatus::Completed);
        QVERIFY(generation->isFinished());
        QVERIFY(generation->outputs.has_value());
        QCOMPARE(generation->outputs->size(), 2);
        QCOMPARE(generation->outputs->at(0).width, std::optional<qint64>(1024));
        QVERIFY(!generation->outputs->at(1).width.has_value());
        QCOMPARE(generation->parameters.value(QStringLiteral("seed")).toInteger(), Q_INT64_C(1234567890));
        QVERIFY(!generation->error.has_value());
        QVERIFY(!generation->clientId.has_value());

        const auto failed = Generation::fromJson(parse(kFailedGeneration));
        QVERIFY(failed.has_value());
        QCOMPARE(failed->status, GenerationStatus::Failed);
        QVERIFY(failed->error.has_value());
        QCOMPARE(failed->error->code, QStringLiteral("BAD_RESPONSE"));
        QVERIFY(!failed->error->errorCode().has_value()); // a provider code, not an API ErrorCode
        QVERIFY(!failed->startedAt.has_value());
        QVERIFY(!failed->outputs.has_value());

        const auto model = ModelInfo::fromJson(parse(kModel));
        QVERIFY(model.has_value());
        QCOMPARE(model->aspectRatios.size(), 5);
        QCOMPARE(model->maxReferenceImages, 3);
        QVERIFY(!model->available);

        const auto member = Member::fromJson(parse(kMember));
        QVERIFY(member.has_value());
        QCOMPARE(member->role, MemberRole::Viewer);

        const auto profile = Profile::fromJson(parse(kProfile));
        QVERIFY(profile.has_value());
        QCOMPARE(profile->credits, 120);
    }

    void optionalFieldsKeptWhenPresent()
    {
        // The generate answer carries clientId, a sync feed entry carries rev: kept and written back.
        QJsonObject json = parse(kFailedGeneration);
        json.insert(QStringLiteral("clientId"), QStringLiteral("c-42"));
        json.insert(QStringLiteral("rev"), 4812);
        const auto generation = Generation::fromJson(json);
        QVERIFY(generation.has_value());
        QCOMPARE(generation->clientId, std::optional<QString>(QStringLiteral("c-42")));
        QCOMPARE(generation->rev, std::optional<qint64>(4812));
        QCOMPARE(compact(generation->toJson()), compact(json));

        QJsonObject project = parse(kProject);
        project.insert(QStringLiteral("rev"), 7);
        QCOMPARE(compact(Project::fromJson(project)->toJson()), compact(project));
    }

    void unknownFieldsAreIgnored()
    {
        QJsonObject json = parse(kOutput);
        json.insert(QStringLiteral("aNewerField"), QJsonObject{{QStringLiteral("x"), 1}});
        QString error;
        const auto output = Output::fromJson(json, &error);
        QVERIFY2(output.has_value(), qPrintable(error));
        QVERIFY(!output->toJson().contains(QStringLiteral("aNewerField")));
        QCOMPARE(compact(output->toJson()), compact(parse(kOutput)));
    }

    void garbageIsRefusedNamingTheField_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("path");  // the member to replace, dotted
        QTest::addColumn<QJsonValue>("value"); // undefined removes it
        QTest::addColumn<QString>("field"); // the error must start with "<field>: "
        const QJsonValue missing(QJsonValue::Undefined);
        const QJsonValue null(QJsonValue::Null);
        QTest::newRow("project without owner") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("owner") << missing << QStringLiteral("owner");
        QTest::newRow("project owner not an object") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("owner") << QJsonValue(QStringLiteral("ada")) << QStringLiteral("owner");
        QTest::newRow("project owner username number") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("owner.username") << QJsonValue(5) << QStringLiteral("owner.username");
        QTest::newRow("project owner without id") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("owner.id") << missing << QStringLiteral("owner.id");
        QTest::newRow("project ownerId differs") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("ownerId") << QJsonValue(QStringLiteral("someone-else")) << QStringLiteral("ownerId");
        QTest::newRow("project sessionCount string") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("sessionCount") << QJsonValue(QStringLiteral("3")) << QStringLiteral("sessionCount");
        QTest::newRow("project unknown role") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("role") << QJsonValue(QStringLiteral("admin")) << QStringLiteral("role");
        QTest::newRow("project thumbnail bool") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("thumbnailUrl") << QJsonValue(true) << QStringLiteral("thumbnailUrl");
        QTest::newRow("project sessions not array") << QStringLiteral("Project") << QByteArray(kProjectDetail) << QStringLiteral("sessions") << QJsonValue(QJsonObject()) << QStringLiteral("sessions");
        QTest::newRow("project name null") << QStringLiteral("Project") << QByteArray(kProject) << QStringLiteral("name") << null << QStringLiteral("name");
        QTest::newRow("session isPrivate string") << QStringLiteral("Session") << QByteArray(kSession) << QStringLiteral("isPrivate") << QJsonValue(QStringLiteral("false")) << QStringLiteral("isPrivate");
        QTest::newRow("session unknown type") << QStringLiteral("Session") << QByteArray(kSession) << QStringLiteral("type") << QJsonValue(QStringLiteral("audio")) << QStringLiteral("type");
        QTest::newRow("session updatedAt null") << QStringLiteral("Session") << QByteArray(kSession) << QStringLiteral("updatedAt") << null << QStringLiteral("updatedAt");
        QTest::newRow("generation unknown status") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("status") << QJsonValue(QStringLiteral("done")) << QStringLiteral("status");
        QTest::newRow("generation progress fraction") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("progress") << QJsonValue(12.5) << QStringLiteral("progress");
        QTest::newRow("generation without cost") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("cost") << missing << QStringLiteral("cost");
        QTest::newRow("generation time not a time") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("createdAt") << QJsonValue(QStringLiteral("yesterday")) << QStringLiteral("createdAt");
        QTest::newRow("generation time no such day") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("finishedAt") << QJsonValue(QStringLiteral("2026-02-30T10:00:00.000000Z")) << QStringLiteral("finishedAt");
        QTest::newRow("generation time as number") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("startedAt") << QJsonValue(1795320000) << QStringLiteral("startedAt");
        QTest::newRow("generation parameters array") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("parameters") << QJsonValue(QJsonArray()) << QStringLiteral("parameters");
        QTest::newRow("generation error code number") << QStringLiteral("Generation") << QByteArray(kFailedGeneration) << QStringLiteral("error.code") << QJsonValue(500) << QStringLiteral("error.code");
        QTest::newRow("generation error string") << QStringLiteral("Generation") << QByteArray(kFailedGeneration) << QStringLiteral("error") << QJsonValue(QStringLiteral("boom")) << QStringLiteral("error");
        QTest::newRow("generation outputs object") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("outputs") << QJsonValue(QJsonObject()) << QStringLiteral("outputs");
        QTest::newRow("generation clientId number") << QStringLiteral("Generation") << QByteArray(kGeneration) << QStringLiteral("clientId") << QJsonValue(7) << QStringLiteral("clientId");
        QTest::newRow("output height string") << QStringLiteral("Output") << QByteArray(kOutput) << QStringLiteral("height") << QJsonValue(QStringLiteral("576")) << QStringLiteral("height");
        QTest::newRow("output without url") << QStringLiteral("Output") << QByteArray(kOutput) << QStringLiteral("url") << missing << QStringLiteral("url");
        QTest::newRow("profile without credits") << QStringLiteral("Profile") << QByteArray(kProfile) << QStringLiteral("credits") << missing << QStringLiteral("credits");
        QTest::newRow("profile email number") << QStringLiteral("Profile") << QByteArray(kProfile) << QStringLiteral("email") << QJsonValue(1) << QStringLiteral("email");
        QTest::newRow("member joinedAt null") << QStringLiteral("Member") << QByteArray(kMember) << QStringLiteral("joinedAt") << null << QStringLiteral("joinedAt");
        QTest::newRow("member unknown role") << QStringLiteral("Member") << QByteArray(kMember) << QStringLiteral("role") << QJsonValue(QStringLiteral("Viewer")) << QStringLiteral("role");
        QTest::newRow("model aspect ratios numbers") << QStringLiteral("ModelInfo") << QByteArray(kModel) << QStringLiteral("aspectRatios") << QJsonValue(QJsonArray{1, 2}) << QStringLiteral("aspectRatios");
        QTest::newRow("model available string") << QStringLiteral("ModelInfo") << QByteArray(kModel) << QStringLiteral("available") << QJsonValue(QStringLiteral("yes")) << QStringLiteral("available");
        QTest::newRow("model without maxReferenceImages") << QStringLiteral("ModelInfo") << QByteArray(kModel) << QStringLiteral("maxReferenceImages") << missing << QStringLiteral("maxReferenceImages");
    }
    void garbageIsRefusedNamingTheField()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, json);
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QString, field);
        const QJsonObject broken = edited(parse(json.constData()), path.split(QLatin1Char('.')), value);
        QString error;
        const std::optional<QJsonObject> decoded = reencode(kind, broken, &error);
        QVERIFY2(!decoded.has_value(), "garbage was accepted");
        const QString prefix = field + QLatin1String(": ");
        QVERIFY2(error.startsWith(prefix), qPrintable(QStringLiteral("error \"%1\" does not name %2").arg(error, field)));
    }

    void nestedOutputErrorsNameTheirIndex()
    {
        QJsonObject json = parse(kGeneration);
        QJsonArray outputs = json.value(QStringLiteral("outputs")).toArray();
        QJsonObject second = outputs.at(1).toObject();
        second.insert(QStringLiteral("width"), QStringLiteral("512"));
        outputs.replace(1, second);
        json.insert(QStringLiteral("outputs"), outputs);
        QString error;
        QVERIFY(!Generation::fromJson(json, &error).has_value());
        QVERIFY2(error.startsWith(QLatin1String("outputs[1].width: ")), qPrintable(error));

        outputs.replace(0, QStringLiteral("not an object"));
        json.insert(QStringLiteral("outputs"), outputs);
        QVERIFY(!Generation::fromJson(json, &error).has_value());
        QVERIFY2(error.startsWith(QLatin1String("outputs[0]: ")), qPrintable(error));
    }

    void emptyObjectsAreRefused()
    {
        QString error;
        QVERIFY(!Project::fromJson(QJsonObject(), &error));
        QCOMPARE(error, QStringLiteral("id: missing"));
        QVERIFY(!Member::fromJson(QJsonObject(), &error));
        QCOMPARE(error, QStringLiteral("userId: missing"));
        QVERIFY(!Generation::fromJson(QJsonObject(), nullptr)); // no error wanted: must not crash
    }

    void statusNames()
    {
        const QList<std::pair<GenerationStatus, QString>> names{
            {GenerationStatus::Queued, QStringLiteral("queued")},
            {GenerationStatus::Processing, QStringLiteral("processing")},
            {GenerationStatus::Completed, QStringLiteral("completed")},
            {GenerationStatus::Failed, QStringLiteral("failed")},
            {GenerationStatus::Cancelled, QStringLiteral("cancelled")},
        };
        for (const auto &[status, name] : names) {
            QCOMPARE(generationStatusName(status), name);
            QCOMPARE(generationStatusFromName(name), std::optional<GenerationStatus>(status));
        }
        QVERIFY(!generationStatusFromName(QStringLiteral("done")).has_value());
        QVERIFY(!generationStatusFromName(QStringLiteral("Queued")).has_value());
        QVERIFY(!generationStatusFromName(QString()).has_value());
        QVERIFY(!isFinished(GenerationStatus::Queued));
        QVERIFY(!isFinished(GenerationStatus::Processing));
        QVERIFY(isFinished(GenerationStatus::Completed));
        QVERIFY(isFinished(GenerationStatus::Failed));
        QVERIFY(isFinished(GenerationStatus::Cancelled));
    }

    void roleAndSessionTypeNames()
    {
        for (const MemberRole role : {MemberRole::Owner, MemberRole::Editor, MemberRole::Viewer})
            QCOMPARE(memberRoleFromName(memberRoleName(role)), std::optional<MemberRole>(role));
        QCOMPARE(memberRoleName(MemberRole::Editor), QStringLiteral("editor"));
        QVERIFY(!memberRoleFromName(QStringLiteral("admin")).has_value());
        QCOMPARE(sessionTypeName(SessionType::Video), QStringLiteral("video"));
        QCOMPARE(sessionTypeFromName(QStringLiteral("image")), std::optional<SessionType>(SessionType::Image));
        QVERIFY(!sessionTypeFromName(QStringLiteral("audio")).has_value());
    }

    void wireTimes()
    {
        QCOMPARE(parseWireTime(QStringLiteral("2026-11-22T04:00:00.123456Z")), std::optional<qint64>(Q_INT64_C(1795320000123456)));
        QCOMPARE(parseWireTime(QStringLiteral("1970-01-01T00:00:00Z")), std::optional<qint64>(0));
        QCOMPARE(parseWireTime(QStringLiteral("2026-11-22T04:00:00.5Z")), std::optional<qint64>(Q_INT64_C(1795320000500000)));
        QCOMPARE(timeValue(Q_INT64_C(1795320000000001)).toString(), QStringLiteral("2026-11-22T04:00:00.000001Z"));
        for (const char *bad : {"2026-11-22T04:00:00.1234567Z", "2026-11-22 04:00:00Z", "2026-13-01T00:00:00Z", "2026-11-22T24:00:00Z",
                                "2026-11-22T04:00:00.Z", "2026-11-22T04:00:00+01:00", "2026-11-22T04:00:00.12a456Z", "", "Z"})
            QVERIFY2(!parseWireTime(QLatin1String(bad)).has_value(), bad);
    }

    void wireTimesIgnoreTheLocalZone()
    {
        // 02:30 does not exist in Berlin on 2026-03-29 (clocks jump 02:00 -> 03:00); as UTC it does.
        const QByteArray previous = qgetenv("TZ");
        qputenv("TZ", "Europe/Berlin");
        tzset();
        const auto micros = parseWireTime(QStringLiteral("2026-03-29T02:30:00.000001Z"));
        if (previous.isNull())
            qunsetenv("TZ");
        else
            qputenv("TZ", previous);
        tzset();
        QCOMPARE(micros, std::optional<qint64>(Q_INT64_C(1774751400000001)));
    }
};

QTEST_GUILESS_MAIN(TestDomainCodecs)
#include "tst_domaincodecs.moc"
