#include "ssereader.h"

#include <QElapsedTimer>
#include <QTcpSocket>

namespace vesper::test {

SseReader::SseReader()
    : m_socket(std::make_unique<QTcpSocket>())
{
}

SseReader::~SseReader() = default;

bool SseReader::open(quint16 port, const QString &token, const QByteArray &target, const QByteArray &lastEventId, int timeoutMs)
{
    m_socket->connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!m_socket->waitForConnected(timeoutMs))
        return false;
    QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n";
    if (!token.isEmpty())
        request += "Authorization: Bearer " + token.toUtf8() + "\r\n";
    if (!lastEventId.isEmpty())
        request += "Last-Event-ID: " + lastEventId + "\r\n";
    m_socket->write(request + "\r\n");
    m_socket->waitForBytesWritten(timeoutMs);
    QElapsedTimer timer;
    timer.start();
    while (m_status == 0 && timer.elapsed() < timeoutMs && m_socket->state() == QAbstractSocket::ConnectedState)
        readSome(50);
    if (m_status == 0)
        readSome(0);
    if (m_status != 200) { // an error answer: read its body whole (it is not chunked past a few bytes)
        for (int i = 0; i < 20 && m_socket->state() == QAbstractSocket::ConnectedState; ++i)
            readSome(25);
    }
    return m_status == 200;
}

bool SseReader::isConnected() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

void SseReader::close()
{
    m_socket->abort();
}

void SseReader::pump(int ms)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms)
        readSome(qMax<qint64>(1, qMin<qint64>(50, ms - timer.elapsed())));
}

bool SseReader::waitFor(const std::function<bool(const SseTestEvent &)> &matches, int timeoutMs, SseTestEvent *found)
{
    QElapsedTimer timer;
    timer.start();
    while (true) {
        while (m_checked < m_events.size()) {
            const SseTestEvent &event = m_events.at(m_checked++);
            if (matches(event)) {
                if (found)
                    *found = event;
                return true;
            }
        }
        if (timer.elapsed() >= timeoutMs)
            return false;
        readSome(50);
    }
}

void SseReader::readSome(int waitMs)
{
    if (waitMs > 0 && m_socket->bytesAvailable() == 0)
        m_socket->waitForReadyRead(waitMs);
    const QByteArray bytes = m_socket->readAll();
    if (bytes.isEmpty())
        return;
    if (m_status == 0) {
        m_head += bytes;
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        m_raw = m_head.mid(end + 4);
        m_head.truncate(end + 4);
        m_status = m_head.mid(9, 3).toInt();
    } else {
        m_raw += bytes;
    }
    // Undo the chunked framing: "<hex size>\r\n<bytes>\r\n" ... "0\r\n\r\n".
    const bool chunked = m_head.toLower().contains("transfer-encoding: chunked");
    if (!chunked) {
        m_body += m_raw;
        m_raw.clear();
    }
    while (chunked) {
        const qsizetype line = m_raw.indexOf("\r\n");
        if (line < 0)
            break;
        bool ok = false;
        const qsizetype size = m_raw.left(line).toLongLong(&ok, 16);
        if (!ok || m_raw.size() < line + 2 + size + 2)
            break;
        m_body += m_raw.mid(line + 2, size);
        m_raw.remove(0, line + 2 + size + 2);
        if (size == 0)
            break;
    }
    parse();
}

void SseReader::parse()
{
    while (true) {
        const qsizetype end = m_body.indexOf("\n\n", m_parsed);
        if (end < 0)
            return;
        const QByteArray block = m_body.mid(m_parsed, end - m_parsed);
        m_parsed = end + 2;
        SseTestEvent event;
        bool hasData = false;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith(':')) {
                ++m_comments;
                continue;
            }
            const qsizetype colon = line.indexOf(':');
            const QByteArray field = colon < 0 ? line : line.left(colon);
            QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (field == "event")
                event.event = value;
            else if (field == "id")
                event.id = value;
            else if (field == "data") {
                event.data += (hasData ? "\n" : "") + value;
                hasData = true;
            }
        }
        if (!hasData)
            continue; // a comment, or retry alone
        if (event.event.isEmpty())
            event.event = "message";
        m_events.append(event);
    }
}

} // namespace vesper::test
