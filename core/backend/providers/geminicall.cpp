#include "backend/providers/geminicall.h"
#include "backend/providers/provider.h"

namespace vesper::backend {
namespace {
// What ProviderHttp checks while bytes move: only this call's stop flag, never the job's sink.
class StopFlag final : public ProgressSink {
public:
    explicit StopFlag(const std::atomic<bool> &flag) : m_flag(flag) {}
    void progress(int, bool) override {}
    bool cancelled() const override { return m_flag.load(); }

private:
    const std::atomic<bool> &m_flag;
};
} // namespace

GeminiCall::GeminiCall(int index, QString url, QByteArray apiKey, QByteArray body, int timeoutSeconds, QSemaphore *done)
    : m_index(index), m_url(std::move(url)), m_apiKey(std::move(apiKey)), m_body(std::move(body)),
      m_timeoutSeconds(timeoutSeconds), m_done(done)
{
    m_clock.start();
    m_thread = std::thread([this] { run(); });
}

GeminiCall::~GeminiCall()
{
    stop();
    if (m_thread.joinable())
        m_thread.join();
}

void GeminiCall::run()
{
    StopFlag flag(m_stop);
    ProviderHttp http(&flag, m_timeoutSeconds);
    // The key travels in a header only: a URL ends up in access logs and error messages.
    http.setHeader("x-goog-api-key", m_apiKey);
    m_response = http.post(m_url, m_body);
    m_body.clear(); // the reference images can be megabytes; not needed any more
    m_finished.store(true, std::memory_order_release);
    m_done->release();
}

} // namespace vesper::backend
