#include "parallelraw.h"

#include <atomic>
#include <thread>
#include <vector>

namespace vesper::test {

QList<RawReply> parallelExchange(quint16 port, const QByteArray &head, const QByteArray &body, int count, int timeoutMs)
{
    std::vector<RawReply> replies(static_cast<size_t>(count));
    std::vector<std::thread> threads;
    std::atomic<int> ready{0};
    for (int i = 0; i < count; ++i) {
        threads.emplace_back([&, i] {
            // Start together, so the requests really overlap on the server.
            ++ready;
            while (ready.load() < count)
                std::this_thread::yield();
            replies[size_t(i)] = rawExchange(port, head, body, timeoutMs);
        });
    }
    for (auto &thread : threads)
        thread.join();
    return QList<RawReply>(replies.begin(), replies.end());
}

} // namespace vesper::test
