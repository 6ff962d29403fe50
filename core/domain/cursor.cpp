#include "domain/cursor.h"
#include "common/uuid.h"

#include <QByteArray>
#include <QList>

namespace vesper {

QString Cursor::encode() const
{
    const QByteArray raw = "v1:" + QByteArray::number(timeMicros) + ':' + id.toLatin1();
    return QString::fromLatin1(raw.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

std::optional<Cursor> Cursor::decode(const QString &text)
{
    if (text.isEmpty() || text.size() > 128)
        return std::nullopt;
    const auto decoded = QByteArray::fromBase64Encoding(text.toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    const QList<QByteArray> parts = decoded.decoded.split(':');
    if (parts.size() != 3 || parts[0] != "v1")
        return std::nullopt;
    bool ok = false;
    const qint64 micros = parts[1].toLongLong(&ok);
    const QString id = QString::fromLatin1(parts[2]);
    if (!ok || micros < 0 || !isUuid(id))
        return std::nullopt;
    return Cursor{micros, id};
}

} // namespace vesper
