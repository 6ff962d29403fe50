#pragma once
// HTTP over a plain socket, for requests QNetworkAccessManager would not send as they are (declared
// but unsent bodies, chunked uploads, raw paths): build a request head, exchange it, read the answer.
#include <QByteArray>
#include <QString>

namespace vesper::test {

/// A response read off a raw socket, for requests QNetworkAccessManager would not send as they are.
struct RawReply {
    int status = 0;
    QByteArray head;
    QByteArray body;
    QString error;
};

/// Parses what has arrived so far (skipping interim 1xx responses); *complete once the body is whole.
RawReply parseRaw(QByteArray buffer, bool *complete);

/// Sends a request over a plain socket the way curl does: the head, then (after a 100 Continue when
/// waitForContinue) the body in pieces, reading whatever the server answers meanwhile and stopping
/// when it has answered. POSIX sockets, because a server that answers early and closes may reset the
/// connection, and data that arrived before the reset must still be read (QTcpSocket drops it).
RawReply rawExchange(quint16 port, const QByteArray &head, const QByteArray &body = {}, int timeoutMs = 15000,
                     bool waitForContinue = false);
/// The same from a chosen loopback source address (127.0.0.x), as a client elsewhere would connect.
RawReply rawExchangeFrom(const QByteArray &source, quint16 port, const QByteArray &head, const QByteArray &body = {},
                         int timeoutMs = 15000);

/// A request head with Connection: close, an optional bearer token and JSON Content-Length, and extra lines.
QByteArray requestHead(const QByteArray &method, const QByteArray &target, const QString &token, qint64 contentLength = -1,
                       const QByteArray &extra = {});

/// "HTTP <status> <first 400 bytes of the body> <error>", for failure messages.
QString describe(const RawReply &reply);

} // namespace vesper::test
