#include "backend/assistant/sseparser.h"

namespace vesper::backend {

QList<SseMessage> SseParser::feed(const QByteArray &bytes)
{
    QList<SseMessage> out;
    if (m_overflowed)
        return out;
    qsizetype start = 0;
    if (m_skipLeadingLf && !bytes.isEmpty()) {
        if (bytes.at(0) == '\n')
            start = 1;
        m_skipLeadingLf = false;
    }
    for (qsizetype i = start; i < bytes.size(); ++i) {
        const char c = bytes.at(i);
        if (c != '\n' && c != '\r')
            continue;
        m_buffer.append(bytes.constData() + start, i - start);
        takeLine(m_buffer, out);
        m_buffer.clear();
        if (c == '\r') {
            if (i + 1 < bytes.size()) {
                if (bytes.at(i + 1) == '\n')
                    ++i;
            } else {
                m_skipLeadingLf = true; // CRLF split between two pieces
            }
        }
        start = i + 1;
    }
    m_buffer.append(bytes.constData() + start, bytes.size() - start);
    if (m_buffer.size() > m_maxLine)
        m_overflowed = true;
    return out;
}

void SseParser::takeLine(const QByteArray &line, QList<SseMessage> &out)
{
    if (line.isEmpty()) { // a blank line dispatches the event read so far
        if (m_hasData)
            out.append({m_name.isEmpty() ? QStringLiteral("message") : m_name, m_data});
        m_name.clear();
        m_data.clear();
        m_hasData = false;
        return;
    }
    if (line.startsWith(':'))
        return; // a comment (keep-alive)
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);
    if (field == "event") {
        m_name = QString::fromUtf8(value);
    } else if (field == "data") {
        if (m_hasData)
            m_data += QLatin1Char('\n');
        m_data += QString::fromUtf8(value);
        m_hasData = true;
        if (m_data.size() > m_maxLine)
            m_overflowed = true;
    }
    // "id" and "retry" mean nothing to a one-shot reply
}

} // namespace vesper::backend
