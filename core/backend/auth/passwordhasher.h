#pragma once
// Password hashing with argon2id (libsodium's crypto_pwhash_str), plus the credential rules that
// sign-up and `vesper-server create-user` share, so both accept exactly the same input.
#include <QByteArray>
#include <QString>
#include <optional>

namespace vesper::backend {

/// Hashes and verifies passwords with argon2id. Thread-safe; cheap to construct.
class PasswordHasher {
public:
    /// fast: libsodium's minimum cost, for tests and seeding only (BackendSettings::fastPasswordHashing).
    explicit PasswordHasher(bool fast = false);

    /// The encoded hash ("$argon2id$v=19$m=...") of password; throws std::runtime_error when the
    /// machine cannot spare the memory argon2id asks for.
    QString hash(const QString &password) const;
    /// Whether password matches encodedHash. An empty or foreign hash (an externally authenticated
    /// user) still costs one verify against a dummy hash, so the answer time does not tell them apart.
    bool verify(const QString &encodedHash, const QString &password) const;
    /// Whether a hash that verified was made at another cost than this hasher's (older settings, or
    /// argon2i), so sign-in should store a fresh one.
    bool needsRehash(const QString &encodedHash) const;
    /// Spends one verify's worth of time and fails: the unknown-email path of a sign-in.
    void verifyDummy(const QString &password) const;
    /// Builds the dummy hash now, so the first unknown-email sign-in is no slower than the rest.
    void prepare() const { dummyHash(); }

private:
    const QByteArray &dummyHash() const;
    bool m_fast;
};

namespace credentials {
constexpr int kMinPasswordLength = 8;
constexpr int kMaxPasswordLength = 1024;
constexpr int kMaxEmailLength = 254;
constexpr int kMaxDisplayNameLength = 100;

/// The email trimmed, lowercased and in Unicode NFC when it has the shape local@domain.tld, else
/// nullopt. New addresses are also checked with textrules::emailProblem; sign-in is not, so accounts
/// stored before that check still sign in.
std::optional<QString> normalizeEmail(const QString &email);
/// Empty when the password is acceptable, else one readable sentence saying why not.
QString passwordProblem(const QString &password);
/// The display name a new profile gets when none was given: the email's local part.
QString defaultDisplayName(const QString &email);
} // namespace credentials

} // namespace vesper::backend
