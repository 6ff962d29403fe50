#include "backend/tools/seedgraph.h"
#include "backend/tools/seedrandom.h"

#include <algorithm>

namespace vesper::backend {
namespace {
constexpr qint64 kSecond = 1000000;
constexpr qint64 kHour = 3600 * kSecond;
constexpr qint64 kDay = 24 * kHour;

const char *const kAdjectives[] = {"Neon", "Quiet", "Golden", "Rusty", "Velvet", "Arctic", "Paper", "Hollow", "Wild",
                                   "Lunar", "Copper", "Misty", "Electric", "Faded", "Crimson", "Tidal"};
const char *const kNouns[] = {"Harbor", "Garden", "Skyline", "Orchard", "Lantern", "Canyon", "Atlas", "Reverie",
                              "Foundry", "Meadow", "Circuit", "Cathedral", "Dunes", "Archive", "Parade", "Voyage"};
const char *const kDescriptions[] = {"", "", "Moodboard and explorations.", "Client pitch, round 2.",
                                     "Key art for the spring campaign.", "Maya's concept sketches (don't delete)",
                                     "Seeded placeholder project."};
} // namespace

SeedGraph::SeedGraph(const SeedOptions &options, SeedRandom &random, qint64 endMicros)
    : m_options(options)
    , m_random(random)
    , m_end(endMicros)
{
}

void SeedGraph::writeUsers(SeedWriter &writer, int firstIndex, const QByteArray &passwordHash, qint64 credits)
{
    m_firstIndex = firstIndex;
    m_users.reserve(m_options.users);
    m_owned.fill(0, m_options.users);
    m_memberships.fill(0, m_options.users);
    QByteArray email, name, username;
    for (int i = 0; i < m_options.users; ++i) {
        const int n = firstIndex + i;
        User user;
        user.createdAt = m_end - 400 * kDay + m_random.between(0, 30 * kDay);
        const qint64 rev = writer.nextRev();
        user.id = writer.nextId(m_random.next());
        email = "user" + QByteArray::number(n) + "@seed.vesper.local";
        name = "Seed User " + QByteArray::number(n);
        username = "seed_user_" + QByteArray::number(n);
        writer.row(SeedWriter::Profiles).text(user.id).text(email).text(name).text(username).text(passwordHash)
            .integer(credits).time(user.createdAt).time(user.createdAt).integer(rev);
        if (credits != 0)
            writer.row(SeedWriter::CreditLedger).text(user.id).integer(credits).text("grant").time(user.createdAt);
        m_users.append(user);
        writer.checkpoint();
    }
}

void SeedGraph::writeProjects(SeedWriter &writer)
{
    const int userCount = int(m_users.size());
    m_projects.reserve(m_options.projects);
    QByteArray name;
    while (m_projects.size() < m_options.projects) {
        // Most projects stand alone; now and then one user makes 5-50 at once (an import), and
        // those share created_at and updated_at to the microsecond: ties that pagination must
        // neither skip nor repeat.
        const bool tied = m_random.chance(0.02);
        const int groupSize = int(qMin<qint64>(tied ? m_random.between(5, 50) : 1, m_options.projects - m_projects.size()));
        m_tieGroups += tied ? 1 : 0;
        const int owner = m_random.skewed(userCount);
        const qint64 createdAt = m_end - 365 * kDay + m_random.between(0, 364 * kDay);
        const qint64 updatedAt = createdAt + m_random.between(0, m_end - kHour - createdAt);
        for (int g = 0; g < groupSize; ++g) {
            Project project;
            project.owner = owner;
            project.createdAt = createdAt;
            project.updatedAt = updatedAt;
            project.shared = userCount > 1 && m_random.chance(m_options.memberShare);
            const qint64 rev = writer.nextRev();
            project.id = writer.nextId(m_random.next());
            name = QByteArray(m_random.pick(kAdjectives)) + ' ' + m_random.pick(kNouns);
            if (m_random.chance(0.3))
                name += " " + QByteArray::number(m_random.between(2, 9));
            writer.row(SeedWriter::Projects).text(project.id).text(m_users[owner].id).text(name)
                .text(m_random.pick(kDescriptions)).boolean(project.shared).time(createdAt).time(updatedAt).integer(rev).integer(rev);
            ++m_owned[owner];
            if (project.shared) {
                ++m_sharedProjects;
                writeMembers(writer, project, int(m_random.between(1, 5)));
            } else if (userCount > 1 && m_random.chance(0.05)) {
                // Sharing turned off later: the memberships stay but must grant nothing.
                writeMembers(writer, project, int(m_random.between(1, 2)));
            }
            m_projects.append(project);
            writer.checkpoint();
        }
    }
}

void SeedGraph::writeMembers(SeedWriter &writer, Project &project, int count)
{
    const int userCount = int(m_users.size());
    count = qMin(count, userCount - 1);
    QList<int> chosen;
    for (int attempt = 0; chosen.size() < count && attempt < 50; ++attempt) {
        // Mirror image of the owner skew: the heaviest members are the lightest owners.
        const int user = userCount - 1 - m_random.skewed(userCount);
        if (user != project.owner && !chosen.contains(user))
            chosen.append(user);
    }
    for (int user : chosen) {
        const bool editor = m_random.chance(0.4);
        const qint64 joinedAt = project.createdAt + m_random.between(0, project.updatedAt - project.createdAt);
        const qint64 rev = writer.nextRev();
        writer.row(SeedWriter::ProjectMembers).text(project.id).text(m_users[user].id)
            .text(editor ? QByteArrayView("editor") : QByteArrayView("viewer")).time(joinedAt).integer(rev);
        if (editor)
            project.editors.append(user);
        if (project.shared)
            ++m_memberships[user];
    }
}

void SeedGraph::writeSessions(SeedWriter &writer)
{
    const int perProject = m_options.sessionsPerProject;
    m_sessions.reserve(qsizetype(m_projects.size()) * perProject);
    QList<qint64> starts;
    QByteArray name;
    for (int p = 0; p < m_projects.size(); ++p) {
        const Project &project = m_projects[p];
        starts.clear();
        // "Session 1" is made with its project, to the microsecond; later ones come over time.
        starts.append(project.createdAt);
        for (int k = 1; k < perProject; ++k)
            starts.append(project.createdAt + m_random.between(0, m_end - kHour - project.createdAt));
        std::sort(starts.begin(), starts.end());
        for (int k = 0; k < perProject; ++k) {
            Session session;
            session.project = p;
            session.createdAt = starts[k];
            session.updatedAt = qMin(m_end - 10 * 60 * kSecond, session.createdAt + m_random.between(kHour, 60 * kDay));
            session.isPrivate = m_random.chance(m_options.privateShare);
            // Only the owner may make a session private; editors start open sessions of their own.
            session.creator = !session.isPrivate && !project.editors.isEmpty() && m_random.chance(0.3)
                ? project.editors[int(m_random.next() % quint64(project.editors.size()))]
                : project.owner;
            const qint64 rev = writer.nextRev();
            session.id = writer.nextId(m_random.next());
            name = "Session " + QByteArray::number(k + 1);
            writer.row(SeedWriter::Sessions).text(session.id).text(project.id).text(m_users[session.creator].id).text(name)
                .text("image").boolean(session.isPrivate).time(session.createdAt).time(session.updatedAt).integer(rev);
            m_privateSessions += session.isPrivate ? 1 : 0;
            m_sessions.append(session);
        }
        writer.checkpoint();
    }
}

int SeedGraph::topOwner(int *count) const
{
    const auto it = std::max_element(m_owned.cbegin(), m_owned.cend());
    *count = it == m_owned.cend() ? 0 : *it;
    return it == m_owned.cend() ? -1 : int(it - m_owned.cbegin());
}

int SeedGraph::topMember(int *count) const
{
    const auto it = std::max_element(m_memberships.cbegin(), m_memberships.cend());
    *count = it == m_memberships.cend() ? 0 : *it;
    return it == m_memberships.cend() ? -1 : int(it - m_memberships.cbegin());
}

} // namespace vesper::backend
