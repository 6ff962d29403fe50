#include "testteam.h"

namespace vesper::test {

TestTeam::~TestTeam()
{
    // The others first: instance 0 drops the database when it goes.
    while (!m_servers.empty())
        m_servers.pop_back();
}

bool TestTeam::start(int count, const QHash<QString, QString> &env, QString *error)
{
    for (int i = 0; i < count; ++i) {
        auto server = std::make_unique<TestServer>();
        for (auto it = env.begin(); it != env.end(); ++it)
            server->setEnv(it.key(), it.value());
        if (i > 0 && !server->shareDatabaseOf(*m_servers.front(), error))
            return false;
        if (!server->launch(error))
            return false;
        m_servers.push_back(std::move(server));
    }
    for (int i = 0; i < count; ++i) {
        if (!m_servers[size_t(i)]->waitListening(error)) {
            *error = QStringLiteral("instance %1: %2").arg(i).arg(*error);
            return false;
        }
    }
    return true;
}

int TestTeam::add(const QHash<QString, QString> &env, QString *error)
{
    if (m_servers.empty()) {
        *error = QStringLiteral("the team has no first instance");
        return -1;
    }
    auto server = std::make_unique<TestServer>();
    for (auto it = env.begin(); it != env.end(); ++it)
        server->setEnv(it.key(), it.value());
    if (!server->shareDatabaseOf(*m_servers.front(), error) || !server->start(error))
        return -1;
    m_servers.push_back(std::move(server));
    return size() - 1;
}

} // namespace vesper::test
