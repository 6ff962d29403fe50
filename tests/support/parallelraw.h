#pragma once
// The same raw request sent on several sockets at once, for tests of what two (or more) twins in
// flight do: one create per Idempotency-Key, one winner per If-Match rev.
#include "rawhttp.h"

#include <QList>

namespace vesper::test {

/// Sends head + body `count` times concurrently (one thread and socket each); the replies in order.
QList<RawReply> parallelExchange(quint16 port, const QByteArray &head, const QByteArray &body, int count, int timeoutMs = 30000);

} // namespace vesper::test
