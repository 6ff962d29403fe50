#include "sseclient.h"

#include <QJsonDocument>
#include <QTcpSocket>

namespace vesper::test {

QJsonObject ReceivedEvent::json() const
{
    return QJsonDocument::fromJson(data).object();
}

SseClient::SseClient() = default;
SseClient::~SseClient() = default;

bool SseClient::open(quint16 port, const QByteArray &path, const QByteArray &body, const QString &token, QString *error, int timeoutMs)
{
    m_clock.start();
    m_socket = std::make_unique<QTcpSocket>();
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_socket->connectToHost(QHostAddress::LocalHost, port);
    if (!m_socket->waitForConnected(timeoutMs)) {
        *error = m_socket->errorString();
        return false;
    }
    QByteArray head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nContent-Type: application/json\r\n";
    if (!token.isEmpty())
        head += "Authorization: Bearer " + token.toUtf8() + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
    m_socket->write(head + body);
    m_socket->flush();
    qsizetype end = -1;
    while ((end = m_raw.indexOf("\r\n\r\n")) < 0) {
        if (!readMore(timeoutMs)) {
            *error = QStringLiteral("no answer head: %1").arg(m_socket->errorString());
            return false;
        }
    }
    const QList<QByteArray> lines = m_raw.left(end).split('\n');
    m_status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            m_headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    m_chunked = m_headers.value("transfer-encoding").toLower().contains("chunked");
    m_raw.remove(0, end + 4);
    return true;
}

bool SseClient::readMore(int timeoutMs)
{
    if (m_socket->bytesAvailable() == 0 && !m_socket->waitForReadyRead(timeoutMs))
        return false;
    m_raw += m_socket->readAll();
    return true;
}

QByteArray SseClient::plainBody()
{
    const qint64 length = m_headers.value("content-length").toLongLong();
    while (m_raw.size() < length && readMore(5000)) {
    }
    return m_raw.left(length);
}

std::optional<ReceivedEvent> SseClient::takeEvent()
{
    // Undo whole chunks into m_events.
    while (m_chunked && !m_ended) {
        const qsizetype lineEnd = m_raw.indexOf("\r\n");
        if (lineEnd < 0)
            break;
        bool ok = false;
        const qsizetype size = m_raw.left(lineEnd).split(';').value(0).trimmed().toLongLong(&ok, 16);
        if (!ok || m_raw.size() < lineEnd + 2 + size + 2)
            break;
        if (size == 0)
            m_ended = true;
        m_events += m_raw.mid(lineEnd + 2, size);
        m_raw.remove(0, lineEnd + 2 + size + 2);
    }
    while (true) {
        const qsizetype end = m_events.indexOf("\n\n");
        if (end < 0)
            return std::nullopt;
        const QByteArray block = m_events.left(end);
        m_events.remove(0, end + 2);
        ReceivedEvent event;
        event.name = "message";
        event.atNs = m_clock.nsecsElapsed();
        bool any = false;
        for (const QByteArray &line : block.split('\n')) {
            if (line.startsWith(':')) {
                ++m_comments;
            } else if (line.startsWith("event:")) {
                event.name = line.mid(6).trimmed();
            } else if (line.startsWith("data:")) {
                if (any)
                    event.data += '\n';
                event.data += line.mid(line.startsWith("data: ") ? 6 : 5);
                any = true;
            }
        }
        if (any)
            return event;
    }
}

std::optional<ReceivedEvent> SseClient::next(int timeoutMs)
{
    while (true) {
        if (auto event = takeEvent())
            return event;
        if (m_ended || !readMore(timeoutMs))
            return std::nullopt;
    }
}

QList<ReceivedEvent> SseClient::rest(int timeoutMs)
{
    QList<ReceivedEvent> out;
    while (auto event = next(timeoutMs))
        out.append(*event);
    return out;
}

void SseClient::abort()
{
    if (m_socket)
        m_socket->abort();
}

} // namespace vesper::test
