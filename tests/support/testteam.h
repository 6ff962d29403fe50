#pragma once
// Several vesper-server instances on one database and one object store, as a team runs them behind
// a load balancer (PostgreSQL only: SQLite is one process's). Instance 0 owns the database; all are
// launched before any is waited for, so on a fresh database they migrate at once (one does, under
// the migration lock, while the others wait).
#include "testserver.h"

#include <QHash>
#include <memory>
#include <vector>

namespace vesper::test {

class TestTeam {
public:
    TestTeam() = default;
    ~TestTeam();
    TestTeam(const TestTeam &) = delete;
    TestTeam &operator=(const TestTeam &) = delete;

    /// Starts `count` instances with env added to each; false with a message when one did not start.
    bool start(int count, const QHash<QString, QString> &env, QString *error);
    /// Adds one more instance on the same database (e.g. after one was killed); its index.
    int add(const QHash<QString, QString> &env, QString *error);
    TestServer &at(int index) { return *m_servers.at(size_t(index)); }
    int size() const { return int(m_servers.size()); }
    /// Instance index % size()'s base URL, for spreading requests round-robin.
    QString baseUrl(int index) const { return m_servers.at(size_t(index % size()))->baseUrl(); }

private:
    std::vector<std::unique_ptr<TestServer>> m_servers;
};

} // namespace vesper::test
