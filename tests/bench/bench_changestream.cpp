// bench_changestream: the change stream's fan-out (issue 14). A real vesper-server (SQLite, or
// PostgreSQL with VESPER_TEST_DIALECT=postgres) with N open GET /api/changes/stream connections on raw
// sockets; one write (a project rename everyone can see), timed from just before the PATCH is sent
// to the moment the last stream has the event. p50/p99 over --writes writes, for: one stream (the
// baseline, same process), N streams of one user (one shared read per wake-up), and N streams over
// --users users who are all members of the shared project (one read per user per wake-up).
//
//     bench_changestream --streams 1000 --users 100 --writes 20
#include "apifixtures.h"
#include "latency.h"
#include "testclient.h"
#include "testserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QUuid>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace vesper;
using namespace vesper::bench;
using namespace vesper::test;

namespace {

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("n/a");
    return QString::fromLatin1(file.readAll()).section(QLatin1Char(' '), 0, 2);
}

/// One raw SSE connection: only the bytes since the last write matter.
struct RawStream {
    int fd = -1;
    QByteArray recent;
};

int openStream(quint16 port, const QString &token)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        ::close(fd);
        return -1;
    }
    const QByteArray request = "GET /api/changes/stream HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                               + token.toUtf8() + "\r\n\r\n";
    ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL);
    return fd;
}

/// Reads every socket until each has `marker` (or the timeout); the time when the last one had it.
bool waitAll(std::vector<RawStream> &streams, const QByteArray &marker, int timeoutMs, QElapsedTimer &clock, qint64 *lastNs, int *closed)
{
    std::vector<pollfd> fds(streams.size());
    std::vector<bool> told(streams.size(), false);
    size_t remaining = streams.size();
    char buffer[65536];
    while (remaining > 0 && clock.elapsed() < timeoutMs) {
        for (size_t i = 0; i < streams.size(); ++i)
            fds[i] = {streams[i].fd, short(told[i] ? 0 : POLLIN), 0};
        if (::poll(fds.data(), fds.size(), 100) <= 0)
            continue;
        for (size_t i = 0; i < streams.size(); ++i) {
            if (told[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            const ssize_t n = ::recv(streams[i].fd, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
                told[i] = true; // closed by the server (refused, cut off): never told
                --remaining;
                ++*closed;
                continue;
            }
            if (n < 0)
                continue;
            streams[i].recent.append(buffer, n);
            if (streams[i].recent.contains(marker)) {
                told[i] = true;
                streams[i].recent.clear();
                --remaining;
                *lastNs = clock.nsecsElapsed();
            }
        }
    }
    return remaining == 0 && *closed == 0;
}

/// Drains what the streams have received so far (the opening bytes, catch-up pages).
void drain(std::vector<RawStream> &streams, int ms)
{
    QElapsedTimer t;
    t.start();
    char buffer[65536];
    while (t.elapsed() < ms) {
        for (RawStream &s : streams) {
            while (::recv(s.fd, buffer, sizeof buffer, MSG_DONTWAIT) > 0) {
            }
            s.recent.clear();
        }
        ::usleep(20000);
    }
}

struct Scenario {
    QString name;
    Latency latency;
    int missed = 0;
};

Scenario run(const QString &name, TestServer &server, TestClient &client, const TestUser &owner, const QString &projectId,
             const QList<TestUser> &readers, int streamCount, int writes)
{
    Scenario result{name, {}, 0};
    std::vector<RawStream> streams;
    for (int i = 0; i < streamCount; ++i) {
        const int fd = openStream(server.port(), readers.at(i % readers.size()).accessToken);
        if (fd < 0) {
            std::fprintf(stderr, "could not open stream %d\n", i);
            ++result.missed;
            break;
        }
        streams.push_back({fd, {}});
    }
    drain(streams, 1500);
    for (int w = 0; w < writes; ++w) {
        const QByteArray marker = "renamed-" + QUuid::createUuid().toString(QUuid::Id128).left(12).toUtf8();
        QElapsedTimer clock;
        clock.start();
        const Reply reply = client.patch(QStringLiteral("/api/projects/") + projectId, QJsonObject{{QStringLiteral("name"), QString::fromUtf8(marker)}},
                                         owner.accessToken);
        if (reply.status != 200) {
            std::fprintf(stderr, "rename failed: %d %s\n", reply.status, reply.body.constData());
            ++result.missed;
            continue;
        }
        qint64 lastNs = 0;
        int closed = 0;
        if (waitAll(streams, marker, 15000, clock, &lastNs, &closed))
            result.latency.add(lastNs);
        else
            ++result.missed;
    }
    for (RawStream &s : streams)
        ::close(s.fd);
    // The server finds closed streams at its next heartbeat (every second here); wait for that.
    for (int i = 0; i < 100; ++i) {
        const Reply metrics = client.get(QStringLiteral("/metrics"));
        if (metrics.body.contains("\nvesper_change_streams_open 0\n"))
            break;
        ::usleep(100000);
    }
    return result;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("streams"), QStringLiteral("Open streams in the big runs."), QStringLiteral("n"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("users"), QStringLiteral("Distinct users (project members) in the last run."), QStringLiteral("n"), QStringLiteral("100")});
    parser.addOption({QStringLiteral("writes"), QStringLiteral("Writes timed per run."), QStringLiteral("n"), QStringLiteral("20")});
    parser.process(app);
    const int streamCount = parser.value(QStringLiteral("streams")).toInt();
    const int userCount = std::max(1, parser.value(QStringLiteral("users")).toInt());
    const int writes = parser.value(QStringLiteral("writes")).toInt();

    TestServer server;
    server.setEnv(QStringLiteral("VESPER_MAX_CONNECTIONS_PER_IP"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_MAX_CONNECTIONS"), QString::number(streamCount * 2 + 200));
    server.setEnv(QStringLiteral("VESPER_MAX_STREAMS"), QString::number(streamCount + 100));
    server.setEnv(QStringLiteral("VESPER_STREAMS_PER_USER"), QString::number(streamCount + 100));
    server.setEnv(QStringLiteral("VESPER_RATE_LIMIT"), QStringLiteral("0"));
    server.setEnv(QStringLiteral("VESPER_STREAM_HEARTBEAT_SECONDS"), QStringLiteral("1"));
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "server: %s\n", qPrintable(error));
        return 1;
    }
    TestClient client(server.baseUrl());
    const TestUser owner = client.signUp(QStringLiteral("bench-owner@example.com"));
    const QString projectId = createProject(client, owner, QStringLiteral("fan-out"), true);
    QList<TestUser> members;
    for (int i = 0; i < userCount; ++i) {
        const TestUser member = client.signUp(QStringLiteral("bench-member-%1@example.com").arg(i));
        addMember(client, owner, projectId, member, QStringLiteral("viewer"));
        members << member;
    }

    std::printf("bench_changestream: %s, %d streams, %d users, %d writes each; load %s\n", qPrintable(TestServer::dialect()),
                streamCount, userCount, writes, qPrintable(loadAverage()));
    QList<Scenario> results;
    results << run(QStringLiteral("1 stream (baseline)"), server, client, owner, projectId, {owner}, 1, writes);
    results << run(QStringLiteral("%1 streams, 1 user").arg(streamCount), server, client, owner, projectId, {owner}, streamCount, writes);
    results << run(QStringLiteral("%1 streams, %2 users").arg(streamCount).arg(userCount), server, client, owner, projectId, members,
                   streamCount, writes);
    const double baseline = results.first().latency.percentileMs(0.5);
    std::printf("%-28s %8s %8s %8s %8s %7s\n", "scenario", "p50 ms", "p95 ms", "p99 ms", "x p50", "missed");
    for (const Scenario &s : results) {
        const double p50 = s.latency.percentileMs(0.5);
        std::printf("%-28s %8.2f %8.2f %8.2f %8.1f %7d\n", qPrintable(s.name), p50, s.latency.percentileMs(0.95),
                    s.latency.percentileMs(0.99), baseline > 0 ? p50 / baseline : 0.0, s.missed);
    }
    std::printf("load after: %s\n", qPrintable(loadAverage()));
    return 0;
}
