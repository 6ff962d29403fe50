#pragma once
// A response body written while the connection stays open (Server-Sent Events): producers on any
// thread write bytes, libmicrohttpd sends them as chunks. An idle stream costs no thread: its
// connection is suspended in libmicrohttpd until the next write resumes it.
#include <QByteArray>
#include <functional>
#include <mutex>

struct MHD_Connection;

namespace vesper::backend {

class ResponseStream {
public:
    /// maxPendingBytes: bytes written but not yet sent; a client that lets more pile up is cut off.
    explicit ResponseStream(qint64 maxPendingBytes = qint64(4) << 20);
    ResponseStream(const ResponseStream &) = delete;
    ResponseStream &operator=(const ResponseStream &) = delete;

    /// Queues bytes to send; false once the stream is over (client gone, finished, cut off).
    bool write(const QByteArray &bytes);
    /// Ends the body after what was written so far.
    void finish();
    /// Whether writes are still taken.
    bool isOpen() const;
    /// Whether the client is still there. A sleeping stream would only learn that it left at its
    /// next write (a heartbeat, seconds away) — and holds its slot till then; this looks at the
    /// socket now (a FIN or an error on it) and ends the stream when the client has gone.
    bool checkPeer();
    /// Called once, on a server thread, when the connection is done with the stream (the client
    /// left, the body ended, or the server stopped); at once if that already happened.
    void setOnClosed(std::function<void()> onClosed);

    // Internal to the HTTP module (httpexchange.cpp, httpserver.cpp).
    /// The connection that sends this stream; set when the response is queued.
    void attach(MHD_Connection *connection);
    /// The content reader: bytes into buffer, or 0 after suspending the connection until a write.
    long readInto(char *buffer, size_t max);
    /// libmicrohttpd freed the response: the connection is done with it.
    void released();
    /// The server is stopping: ends the stream now and resumes its connection so it can close.
    void abort();

private:
    /// Resumes the connection if it sleeps (called with m_mutex held, so stop never races it).
    void wakeLocked();

    const qint64 m_maxPending;
    mutable std::mutex m_mutex;
    QByteArray m_pending;
    qsizetype m_sent = 0; // bytes of m_pending already handed to libmicrohttpd
    MHD_Connection *m_connection = nullptr;
    bool m_suspended = false;
    bool m_finished = false;
    bool m_failed = false;   // cut off: the connection ends with an error
    bool m_released = false;
    std::function<void()> m_onClosed;
};

} // namespace vesper::backend
