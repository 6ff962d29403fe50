#pragma once
// The proxies this server trusts to say who the client is (VESPER_TRUSTED_PROXIES): addresses and
// CIDR ranges, IPv4 or IPv6. Only a request that arrived from one of them has its X-Forwarded-For
// read; from anyone else that header is the client's own claim and is ignored.
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <array>

struct sockaddr;

namespace vesper::backend {

class AddressSet {
public:
    /// Parses "10.0.0.1, 10.1.0.0/16, ::1"; false with the offending entry in *error.
    static bool parse(const QStringList &entries, AddressSet *set, QString *error);

    bool isEmpty() const { return m_ranges.isEmpty(); }
    /// Whether the textual address (as inet_ntop writes it) is in the set.
    bool contains(const QString &address) const;
    /// The client behind a trusted proxy: the last X-Forwarded-For hop that is not itself a trusted
    /// proxy, or `peer` when the header is missing or malformed.
    QString forwardedClient(const QString &peer, const QByteArray &forwardedFor) const;

    /// The text of a socket address ("127.0.0.1", "::1"); empty for other families.
    static QString textOf(const sockaddr *address);

private:
    struct Range {
        std::array<unsigned char, 16> bytes{}; // IPv4 as ::ffff:a.b.c.d
        int prefix = 128;
    };
    static bool toBytes(const QString &text, std::array<unsigned char, 16> *bytes, bool *isV4);

    QList<Range> m_ranges;
};

} // namespace vesper::backend
