#pragma once
// Costly work (image decode and re-encode, argon2 password hashing) runs here, not on the HTTP
// threads' own account: a small pool with a bounded queue caps how many such jobs hold CPU and
// memory at once. A caller past the queue gets 503 with Retry-After instead of waiting in line.
#include "domain/domainerror.h"

#include <QThreadPool>
#include <atomic>
#include <exception>
#include <future>
#include <memory>
#include <optional>

namespace vesper::backend {

class CostlyWork {
public:
    /// `threads` jobs run at once and `queued` more may wait; anything past that is refused.
    CostlyWork(int threads, int queued);
    ~CostlyWork();
    CostlyWork(const CostlyWork &) = delete;
    CostlyWork &operator=(const CostlyWork &) = delete;

    /// Runs `job` on the pool and waits for its result (exceptions included); throws an UNAVAILABLE
    /// DomainError with Retry-After at once when the pool and its queue are full.
    template <typename Job>
    auto run(Job job) -> decltype(job())
    {
        using Result = decltype(job());
        admit();
        // Shared: the pool thread may still be inside set_value when this caller wakes and returns.
        auto promise = std::make_shared<std::promise<Result>>();
        std::future<Result> future = promise->get_future();
        struct Release {
            CostlyWork *self;
            ~Release() { self->release(); }
        } release{this};
        m_pool.start([promise, &job] {
            try {
                if constexpr (std::is_void_v<Result>) {
                    job();
                    promise->set_value();
                } else {
                    promise->set_value(job());
                }
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        });
        return future.get();
    }

    /// Jobs running or waiting now (for tests and metrics).
    int inFlight() const { return m_admitted.load(); }

private:
    void admit();
    void release();

    QThreadPool m_pool;
    int m_capacity;
    std::atomic<int> m_admitted{0};
};

} // namespace vesper::backend
