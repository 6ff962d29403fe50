#include "replycheck.h"

namespace vesper::test {

QString describe(const Reply &reply)
{
    return QStringLiteral("HTTP %1 %2%3").arg(reply.status).arg(QString::fromUtf8(reply.body.left(600)), reply.networkError);
}

} // namespace vesper::test
