#include "urlencode.h"

#include <QUrl>

namespace vesper::test {

QString enc(const QString &text)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(text));
}

} // namespace vesper::test
