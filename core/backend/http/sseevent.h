#pragma once
// One Server-Sent Event in its wire form (text/event-stream, WHATWG HTML §9.2): the bytes a
// ResponseStream writes for an event, a comment (heartbeat) or a reconnection delay.
#include <QByteArray>

namespace vesper::backend {

struct SseEvent {
    QByteArray id;    // "id:" line when not empty (the client's Last-Event-ID); no newlines allowed
    QByteArray event; // "event:" line when not empty (else the client sees "message")
    QByteArray data;  // one "data:" line per line of it (\n, \r\n or \r split lines); null: no data lines
    int retryMs = -1; // "retry:" line when >= 0

    /// The event's lines, ended by the blank line that dispatches it.
    QByteArray encode() const;
    /// A comment line ": text" and a blank line: ignored by clients, it keeps proxies and
    /// idle timers from closing the connection (a heartbeat) and shows a dead client on write.
    static QByteArray comment(const QByteArray &text = {});
};

} // namespace vesper::backend
