#pragma once
// A blocking Server-Sent Events client for tests and benches: one raw HTTP/1.1 POST on a QTcpSocket,
// the chunked body undone as it arrives, and each event handed over with the moment it was complete,
// so a test can read the first delta, then hang up (a client that leaves) or time it (a bench).
#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QString>
#include <memory>
#include <optional>

class QTcpSocket;

namespace vesper::test {

struct ReceivedEvent {
    QByteArray name;    // "message" when the event had none
    QByteArray data;
    qint64 atNs = 0;    // since open() was called

    QJsonObject json() const;
};

class SseClient {
public:
    SseClient();
    ~SseClient();

    /// Sends `POST path` with the JSON body, Accept: text/event-stream and the bearer token, and
    /// reads the answer's head. False with *error when nothing came back within timeoutMs.
    bool open(quint16 port, const QByteArray &path, const QByteArray &body, const QString &token, QString *error,
              int timeoutMs = 15000);
    int status() const { return m_status; }
    QByteArray header(const QByteArray &lowerName) const { return m_headers.value(lowerName); }
    /// The body of a non-streamed answer (an error), read whole.
    QByteArray plainBody();
    /// The next event; nullopt at the end of the stream or after timeoutMs without one.
    std::optional<ReceivedEvent> next(int timeoutMs = 15000);
    /// Every event up to the end of the stream.
    QList<ReceivedEvent> rest(int timeoutMs = 15000);
    /// Hangs up at once (a client that leaves mid-reply).
    void abort();
    /// SSE comments (heartbeats) seen so far.
    int comments() const { return m_comments; }

private:
    bool readMore(int timeoutMs);
    std::optional<ReceivedEvent> takeEvent();

    std::unique_ptr<QTcpSocket> m_socket;
    QElapsedTimer m_clock;
    QByteArray m_raw;    // bytes after the head, still chunk-encoded
    QByteArray m_events; // undone body not yet split into events
    QHash<QByteArray, QByteArray> m_headers;
    int m_status = 0;
    int m_comments = 0;
    bool m_chunked = false;
    bool m_ended = false;
};

} // namespace vesper::test
