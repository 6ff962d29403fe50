#pragma once
// An incremental Server-Sent Events reader for the assistant adapters: the network hands over bytes
// in whatever pieces it likes (inside an event, inside a UTF-8 character, between CR and LF), so bytes
// are buffered until a line is complete and only whole lines are decoded from UTF-8.
#include <QByteArray>
#include <QList>
#include <QString>

namespace vesper::backend {

/// One dispatched event: its `event:` name ("message" when none was given) and its joined `data:`.
struct SseMessage {
    QString name;
    QString data;
};

class SseParser {
public:
    /// Takes the next bytes and returns the events they complete, in order.
    QList<SseMessage> feed(const QByteArray &bytes);
    /// Bytes still waiting for their line's end (an unfinished event at the end of a stream).
    qsizetype pendingBytes() const { return m_buffer.size() + m_data.size(); }
    /// Whether any event field has been read since the last dispatched event.
    bool insideEvent() const { return m_hasData || !m_name.isEmpty() || !m_buffer.isEmpty(); }
    /// Caps one line (and one event's data) so a peer cannot make it grow without end.
    void setMaxLineBytes(qsizetype bytes) { m_maxLine = bytes; }
    /// Set when a line or an event went over the cap; the rest of the stream is not worth reading.
    bool overflowed() const { return m_overflowed; }

private:
    void takeLine(const QByteArray &line, QList<SseMessage> &out);

    QByteArray m_buffer;
    QString m_name;
    QString m_data;
    bool m_hasData = false;
    bool m_skipLeadingLf = false; // the last line ended in CR: a LF at the start of the next piece ends nothing
    bool m_overflowed = false;
    qsizetype m_maxLine = 8 << 20;
};

} // namespace vesper::backend
