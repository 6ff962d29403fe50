#include "common/net/sseparser.h"

namespace vesper {

QList<SseMessage> SseParser::feed(QByteArrayView bytes)
{
    QList<SseMessage> out;
    if (m_overflowed)
        return out;
    qsizetype i = 0;
    const qsizetype size = bytes.size();
    if (!m_bomChecked && size > 0) {
        // A UTF-8 byte order mark may open the stream; it can itself arrive split.
        static const QByteArray bom("\xEF\xBB\xBF");
        const QByteArray head = m_partial + bytes.first(qMin<qsizetype>(size, 3 - m_partial.size())).toByteArray();
        if (head.size() < 3 && bom.startsWith(head)) {
            m_partial = head;
            return out;
        }
        m_bomChecked = true;
        if (head.startsWith(bom)) {
            i = 3 - m_partial.size();
            m_partial.clear();
        }
    }
    while (i < size) {
        const char c = bytes[i];
        if (m_skipLf) {
            m_skipLf = false;
            if (c == '\n') {
                ++i;
                continue;
            }
        }
        // Scan to the next line end; \r and \n never occur inside a multi-byte UTF-8 character.
        qsizetype end = i;
        while (end < size && bytes[end] != '\n' && bytes[end] != '\r')
            ++end;
        if (end == size) {
            m_partial.append(bytes.sliced(i).toByteArray());
            m_overflowed = m_partial.size() > m_maxLine;
            break;
        }
        if (m_partial.isEmpty()) {
            line(bytes.sliced(i, end - i), out);
        } else {
            m_partial.append(bytes.sliced(i, end - i).toByteArray());
            const QByteArray whole = std::move(m_partial);
            m_partial.clear();
            line(whole, out);
        }
        m_skipLf = bytes[end] == '\r';
        i = end + 1;
        if (m_data.size() > m_maxLine) { // one event's data (its lines arrive whole)
            m_overflowed = true;
            break;
        }
    }
    return out;
}

void SseParser::line(QByteArrayView text, QList<SseMessage> &out)
{
    if (text.isEmpty()) { // dispatch
        m_lastEventId = m_idBuffer;
        if (m_hasData) {
            SseMessage message;
            message.event = m_event.isEmpty() ? QStringLiteral("message") : m_event;
            message.data = m_data.endsWith(QLatin1Char('\n')) ? m_data.chopped(1) : m_data;
            message.lastEventId = m_lastEventId;
            out.append(std::move(message));
        }
        m_data.clear();
        m_event.clear();
        m_hasData = false;
        return;
    }
    if (text[0] == ':') {
        ++m_comments;
        return;
    }
    const qsizetype colon = text.indexOf(':');
    QByteArrayView field = colon < 0 ? text : text.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : text.sliced(colon + 1);
    if (!value.isEmpty() && value[0] == ' ')
        value = value.sliced(1);
    if (field == "data") {
        m_data += QString::fromUtf8(value);
        m_data += QLatin1Char('\n');
        m_hasData = true;
    } else if (field == "event") {
        m_event = QString::fromUtf8(value);
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_idBuffer = QString::fromUtf8(value);
    } else if (field == "retry") {
        bool digits = !value.isEmpty();
        for (char c : value)
            digits = digits && c >= '0' && c <= '9';
        if (digits && value.size() <= 9)
            m_retryMs = value.toInt();
    }
    // Any other field is ignored.
}

void SseParser::resetConnection()
{
    m_idBuffer = m_lastEventId;
    m_partial.clear();
    m_skipLf = false;
    m_bomChecked = false;
    m_data.clear();
    m_event.clear();
    m_hasData = false;
}

} // namespace vesper
