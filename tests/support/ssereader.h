#pragma once
// A Server-Sent Events client for tests, on a blocking QTcpSocket: opens a stream with a bearer token
// (and optionally Last-Event-ID), undoes the chunked framing, and collects events and comments as
// they arrive, so a test can wait for the event it expects or check that one never came.
#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <memory>

class QTcpSocket;

namespace vesper::test {

struct SseTestEvent {
    QByteArray event; // "message" when the stream named none
    QByteArray id;
    QByteArray data;
};

class SseReader {
public:
    SseReader();
    ~SseReader();

    /// Sends GET target; true once a 200 head has arrived (else status()/head() say what came).
    bool open(quint16 port, const QString &token, const QByteArray &target, const QByteArray &lastEventId = {},
              int timeoutMs = 10000);
    int status() const { return m_status; }
    QByteArray head() const { return m_head; }
    QByteArray body() const { return m_body; }
    /// Reads until an event (from those not yet returned by a wait) matches; false on timeout.
    bool waitFor(const std::function<bool(const SseTestEvent &)> &matches, int timeoutMs = 10000, SseTestEvent *found = nullptr);
    /// Reads whatever arrives for `ms` milliseconds.
    void pump(int ms);
    /// Every event so far, and the comment lines (heartbeats) counted.
    const QList<SseTestEvent> &events() const { return m_events; }
    int comments() const { return m_comments; }
    /// Closes the socket at once (a client that leaves).
    void close();
    bool isConnected() const;

private:
    void readSome(int waitMs);
    void parse();

    std::unique_ptr<QTcpSocket> m_socket;
    int m_status = 0;
    QByteArray m_head;
    QByteArray m_raw;   // chunked bytes not yet undone
    QByteArray m_body;  // the body so far
    qsizetype m_parsed = 0;
    qsizetype m_checked = 0; // events already offered to waitFor
    QList<SseTestEvent> m_events;
    int m_comments = 0;
};

} // namespace vesper::test
