#pragma once
// The visibility fixture of DESIGN §3 for the tst_api_visibility_* suites: an owner, an editor, a viewer and
// a stranger, against a shared and an unshared project, each with an open and a private session holding
// images; plus walking lists page by page and following the changes feed into a client-side copy.
#include "testclient.h"
#include "testdata.h"
#include "testserver.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <functional>
#include <memory>
#include <tuple>

namespace vesper::test {

/// The thumbnail URL the API shows for an output.
QString thumbUrl(const QString &outputId);
/// "missing [...] unexpected [...]": what actual lacks and has beyond expected.
QString setDiff(const QSet<QString> &actual, const QSet<QString> &expected);

struct ProjectFixture {
    QString id;
    QString session1, open, priv;  // sessions: the automatic "Session 1", an open one, a private one
    QString gen1, genOpen, genPriv;
    QString out1, outOpen, outPriv; // image outputs; outPriv is the newest, then outOpen, then out1
};

struct World {
    TestUser owner, editor, viewer, stranger;
    ProjectFixture shared, unshared;

    const TestUser &user(const QString &who) const
    {
        if (who == QLatin1String("owner"))
            return owner;
        if (who == QLatin1String("editor"))
            return editor;
        if (who == QLatin1String("viewer"))
            return viewer;
        return stranger;
    }
    const ProjectFixture &project(const QString &which) const { return which == QLatin1String("S") ? shared : unshared; }
};

/// What a client holds after applying the changes feed.
struct Local {
    QString since = QStringLiteral("0");
    QHash<QString, QJsonObject> projects, sessions, generations, outputs;
    QHash<QString, QJsonObject> members; // by "<projectId>:<userId>"
    QJsonObject profile;                 // the caller's own
    QList<QJsonObject> changes; // every change applied, in order
};

/// Server, client and database of one visibility suite, with the helpers its tests share. A test class
/// derives from it (after QObject) so its tests read the fixture as members.
class VisibilityHarness {
protected:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<TestClient> m_client;
    std::unique_ptr<TestData> m_data;
    World m_world; // read-only fixture shared by the table-driven read tests
    int m_users = 0;

    /// Starts the server (no rate limits), the client and the database handle; fails the current test otherwise.
    void startServer();
    void stopServer();

    TestUser newUser(const QString &tag);
    QString createProject(const TestUser &owner, const QString &name, bool shared);
    QString firstSession(const TestUser &owner, const QString &projectId);
    QString createSession(const TestUser &user, const QString &projectId, const QString &name, bool isPrivate);
    void addMember(const TestUser &owner, const QString &projectId, const TestUser &member, const QString &role);
    /// A project with Session 1, an open and a private session, an image in each (the private one newest).
    void buildProject(ProjectFixture &p, const World &w, const QString &name, bool shared, qint64 t0);
    void buildWorld(World &w, const QString &tag);
    /// Every page of a list; the path already carries its query (without cursor).
    void walk(const QString &path, const QString &token, QList<QJsonObject> *rows);
    QHash<QString, QJsonObject> projectList(const TestUser &user, const QString &scope);
    static void apply(Local &local, const QJsonObject &change);
    /// Follows /api/changes from local.since until hasMore is false; returns the changes of this run.
    /// betweenPages (when set) runs after each page but the last, with the page's number: writes made
    /// there land while the walk is under way.
    void follow(const TestUser &user, Local &local, int limit, QList<QJsonObject> *fresh = nullptr,
                const std::function<void(int page)> &betweenPages = {});
    /// The local copy holds exactly what the list endpoints show the user (members and profile too), and
    /// the project data matches.
    void compareWithLists(const TestUser &user, const Local &local, const QString &label, bool compareProjectData = true);
    static bool mentions(const QList<QJsonObject> &changes, const QString &id, const QString &op = QString());
    static void addWhoProjectRows(const QList<std::tuple<const char *, const char *, int>> &rows);
};

} // namespace vesper::test
