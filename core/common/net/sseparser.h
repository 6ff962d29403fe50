#pragma once
// Reads a text/event-stream incrementally, by the WHATWG EventSource rules (HTML §9.2.6): bytes may be
// split anywhere (inside a UTF-8 character, between \r and \n, inside a field); lines end at \r\n,
// \n or \r; "data" lines join with \n; "id" and "retry" persist across events; comments are skipped.
// Shared by the client (the change stream, the assistant's chat) and the backend's assistant adapters
// (a model's streamed reply); a line or an event over the cap stops it, so no peer grows it without end.
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace vesper {

/// One dispatched event.
struct SseMessage {
    QString event = QStringLiteral("message"); // the "event" field, or "message"
    QString data;                              // the "data" lines joined with \n
    QString lastEventId;                       // the last "id" seen up to this event (persists)
};

class SseParser {
public:
    /// Takes the next bytes of the stream; returns the events they complete, in order.
    QList<SseMessage> feed(QByteArrayView bytes);
    /// The id a reconnect sends as Last-Event-ID: the "id" in force at the last blank line.
    QString lastEventId() const { return m_lastEventId; }
    /// The server's "retry" in milliseconds, or -1 when it sent none.
    int retryMs() const { return m_retryMs; }
    /// Whether a field or part of a line has been read since the last dispatched event.
    bool insideEvent() const { return m_hasData || !m_event.isEmpty() || !m_partial.isEmpty(); }
    /// Comment lines seen (heartbeats), for liveness checks.
    qint64 comments() const { return m_comments; }
    /// Forgets a half-read line and event (a new connection); lastEventId and retry persist.
    void resetConnection();
    /// Caps one line and one event's data (8 MiB by default).
    void setMaxLineBytes(qsizetype bytes) { m_maxLine = bytes; }
    /// Set once a line or an event went over the cap: feed() reads nothing more.
    bool overflowed() const { return m_overflowed; }

private:
    void line(QByteArrayView line, QList<SseMessage> &out);

    QByteArray m_partial;    // an unfinished line, as bytes (may end inside a UTF-8 character)
    bool m_skipLf = false;   // the last byte was \r: a \n right after it ends nothing more
    bool m_bomChecked = false;
    QString m_data;
    QString m_event;
    bool m_hasData = false;
    QString m_idBuffer;    // the last "id" field, taken over at the next blank line
    QString m_lastEventId;
    int m_retryMs = -1;
    qint64 m_comments = 0;
    qsizetype m_maxLine = 8 << 20;
    bool m_overflowed = false;
};

} // namespace vesper
