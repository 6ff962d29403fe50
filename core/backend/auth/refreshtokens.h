#pragma once
// Refresh tokens with rotation and reuse detection (the Supabase Auth model). A sign-in starts a
// family; every refresh marks the presented token used and issues its child in the same family.
// A used token presented again shortly after its use is tolerated (two tabs refreshing at once) and
// answered with the same successor, not a new sibling; later it means the token leaked, so the
// whole family is revoked. Only SHA-256 hashes are stored, so a successor is derived from its parent
// (HMAC under a server key) and can be handed out again without being stored.
// A token issued longer ago than the session idle limit is refused (the session ended), and
// deleteExpired() removes such tokens, so the table holds only the last idle window's rotations.
#include <QByteArray>
#include <QString>

namespace vesper::backend {

class Database;

/// A newly issued refresh token: the secret (shown once to the client) and its family (the session).
struct IssuedRefreshToken {
    QString token;
    QString familyId;
};

/// The outcome of presenting a refresh token.
struct RefreshOutcome {
    enum class Status { Rotated, Unknown, Revoked, Reused, Expired };
    Status status = Status::Unknown;
    IssuedRefreshToken issued; // set when Rotated
    QString userId;            // set when the token was found
    QString familyId;          // set when the token was found (the session it belongs to)

    bool ok() const { return status == Status::Rotated; }
};

/// The refresh_tokens table.
class RefreshTokenStore {
public:
    /// successorKey derives each child from its parent (the JWT secret serves); empty: random children
    /// (for callers that never rotate, such as the sweeper).
    RefreshTokenStore(Database &database, int reuseSeconds, int idleDays, QByteArray successorKey = {});

    /// Starts a new family (a new session) for userId.
    IssuedRefreshToken issue(const QString &userId);
    /// Rotates token in one transaction; see the header comment for the reuse rules.
    RefreshOutcome rotate(const QString &token);
    /// Revokes every live token of a family owned by userId; returns how many were revoked.
    int revokeFamily(const QString &familyId, const QString &userId);
    /// Revokes every live token of userId, optionally sparing one family; returns how many.
    int revokeUser(const QString &userId, const QString &exceptFamilyId = QString());

    /// Deletes tokens issued before now minus the idle limit, in short transactions of at most
    /// batchSize rows so sign-ins never wait long behind it; returns how many were deleted.
    int deleteExpired(qint64 nowMicros, int batchSize = 1000);

    /// The stored form of a token: lowercase hex SHA-256.
    static QString hashToken(const QString &token);

private:
    Database &m_database;
    qint64 m_reuseMicros;
    qint64 m_idleMicros;
    QByteArray m_successorKey;
};

} // namespace vesper::backend
