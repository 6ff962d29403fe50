#include "backend/http/addressset.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <cstring>

namespace vesper::backend {

bool AddressSet::toBytes(const QString &text, std::array<unsigned char, 16> *bytes, bool *isV4)
{
    const QByteArray latin = text.trimmed().toLatin1();
    in_addr v4{};
    if (inet_pton(AF_INET, latin.constData(), &v4) == 1) {
        bytes->fill(0);
        (*bytes)[10] = 0xff;
        (*bytes)[11] = 0xff;
        std::memcpy(bytes->data() + 12, &v4, 4);
        *isV4 = true;
        return true;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, latin.constData(), &v6) == 1) {
        std::memcpy(bytes->data(), &v6, 16);
        *isV4 = false;
        return true;
    }
    return false;
}

bool AddressSet::parse(const QStringList &entries, AddressSet *set, QString *error)
{
    set->m_ranges.clear();
    for (const QString &raw : entries) {
        const QString entry = raw.trimmed();
        if (entry.isEmpty())
            continue;
        const qsizetype slash = entry.indexOf(QLatin1Char('/'));
        Range range;
        bool isV4 = false;
        bool ok = toBytes(slash < 0 ? entry : entry.left(slash), &range.bytes, &isV4);
        if (ok) {
            range.prefix = 128;
            if (slash >= 0) {
                const int bits = entry.mid(slash + 1).toInt(&ok);
                ok = ok && bits >= 0 && bits <= (isV4 ? 32 : 128);
                range.prefix = isV4 ? 96 + bits : bits;
            }
        }
        if (!ok) {
            *error = QStringLiteral("\"%1\" is not an IP address or CIDR range").arg(entry.left(60));
            return false;
        }
        set->m_ranges.append(range);
    }
    return true;
}

bool AddressSet::contains(const QString &address) const
{
    std::array<unsigned char, 16> bytes{};
    bool isV4 = false;
    if (m_ranges.isEmpty() || !toBytes(address, &bytes, &isV4))
        return false;
    for (const Range &range : m_ranges) {
        const int whole = range.prefix / 8;
        const int rest = range.prefix % 8;
        if (std::memcmp(bytes.data(), range.bytes.data(), size_t(whole)) != 0)
            continue;
        if (rest == 0)
            return true;
        const unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
        if ((bytes[size_t(whole)] & mask) == (range.bytes[size_t(whole)] & mask))
            return true;
    }
    return false;
}

QString AddressSet::forwardedClient(const QString &peer, const QByteArray &forwardedFor) const
{
    // Walk from the nearest hop outwards: every hop our proxies appended is trusted; the first one
    // that is not is the client as our outermost proxy saw it. Hops further left are the client's
    // own words and count for nothing.
    const QList<QByteArray> hops = forwardedFor.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        const QString hop = QString::fromLatin1(hops.at(i).trimmed());
        std::array<unsigned char, 16> bytes{};
        bool isV4 = false;
        if (!toBytes(hop, &bytes, &isV4))
            return peer; // garbage from a trusted proxy: count the proxy, not a made-up name
        if (!contains(hop))
            return hop;
    }
    return peer;
}

QString AddressSet::textOf(const sockaddr *address)
{
    char text[INET6_ADDRSTRLEN] = {};
    if (address && address->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(address)->sin_addr, text, sizeof text);
    else if (address && address->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6 *>(address)->sin6_addr, text, sizeof text);
    return QString::fromLatin1(text);
}

} // namespace vesper::backend
