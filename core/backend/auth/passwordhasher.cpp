#include "backend/auth/passwordhasher.h"

#include <QList>
#include <mutex>
#include <sodium.h>
#include <stdexcept>

namespace vesper::backend {
namespace {
void initSodium()
{
    // sodium_init is idempotent and thread-safe, but once is enough; it picks the fastest
    // implementations for this CPU and seeds libsodium's generator.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        throw std::runtime_error("libsodium failed to initialise");
}

unsigned long long opsLimit(bool fast)
{
    return fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

size_t memLimit(bool fast)
{
    return fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

QByteArray hashBytes(const QByteArray &password, bool fast)
{
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, password.constData(), static_cast<unsigned long long>(password.size()),
                          opsLimit(fast), memLimit(fast)) != 0)
        throw std::runtime_error("argon2id ran out of memory");
    return QByteArray(out);
}

bool isArgon2Hash(const QByteArray &encoded)
{
    return encoded.size() < qsizetype(crypto_pwhash_STRBYTES) && encoded.startsWith("$argon2");
}
} // namespace

PasswordHasher::PasswordHasher(bool fast)
    : m_fast(fast)
{
    initSodium();
}

QString PasswordHasher::hash(const QString &password) const
{
    return QString::fromLatin1(hashBytes(password.toUtf8(), m_fast));
}

bool PasswordHasher::verify(const QString &encodedHash, const QString &password) const
{
    const QByteArray encoded = encodedHash.toLatin1();
    if (!isArgon2Hash(encoded)) {
        verifyDummy(password);
        return false;
    }
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(encoded.constData(), utf8.constData(), static_cast<unsigned long long>(utf8.size())) == 0;
}

bool PasswordHasher::needsRehash(const QString &encodedHash) const
{
    const QByteArray encoded = encodedHash.toLatin1();
    // -1 (not an argon2id string we can read) also asks for a new hash: the password just verified.
    return isArgon2Hash(encoded) && crypto_pwhash_str_needs_rehash(encoded.constData(), opsLimit(m_fast), memLimit(m_fast)) != 0;
}

void PasswordHasher::verifyDummy(const QString &password) const
{
    const QByteArray utf8 = password.toUtf8();
    // The result is meaningless (nobody knows the dummy password); only the time spent matters.
    [[maybe_unused]] const int result = crypto_pwhash_str_verify(dummyHash().constData(), utf8.constData(),
                                                                 static_cast<unsigned long long>(utf8.size()));
}

const QByteArray &PasswordHasher::dummyHash() const
{
    // Made once per cost level with a random password nobody knows, so it can never match.
    static std::once_flag onceFast, onceNormal;
    static QByteArray fastHash, normalHash;
    std::once_flag &once = m_fast ? onceFast : onceNormal;
    QByteArray &target = m_fast ? fastHash : normalHash;
    std::call_once(once, [&] {
        unsigned char random[32];
        randombytes_buf(random, sizeof random);
        target = hashBytes(QByteArray(reinterpret_cast<const char *>(random), sizeof random).toHex(), m_fast);
    });
    return target;
}

namespace credentials {

std::optional<QString> normalizeEmail(const QString &email)
{
    // NFC: "é" typed as one code point or as "e" and a combining accent is one address.
    const QString text = email.trimmed().toLower().normalized(QString::NormalizationForm_C);
    if (text.isEmpty() || text.size() > kMaxEmailLength)
        return std::nullopt;
    for (const QChar c : text) {
        if (c.unicode() < 0x21 || c.unicode() == 0x7f || c.isSpace())
            return std::nullopt;
    }
    const qsizetype at = text.indexOf(QLatin1Char('@'));
    if (at <= 0 || at != text.lastIndexOf(QLatin1Char('@')) || at > 64)
        return std::nullopt;
    const QString domain = text.mid(at + 1);
    if (!domain.contains(QLatin1Char('.')) || domain.startsWith(QLatin1Char('.')) || domain.endsWith(QLatin1Char('.'))
        || domain.contains(QLatin1String("..")))
        return std::nullopt;
    return text;
}

QString passwordProblem(const QString &password)
{
    // Counted in code points, as a person would count them; bounded so a huge password cannot
    // turn hashing into a denial of service.
    const qsizetype length = password.toUcs4().size();
    if (length < kMinPasswordLength)
        return QStringLiteral("password must have at least %1 characters").arg(kMinPasswordLength);
    if (length > kMaxPasswordLength)
        return QStringLiteral("password must have at most %1 characters").arg(kMaxPasswordLength);
    return {};
}

QString defaultDisplayName(const QString &email)
{
    return email.section(QLatin1Char('@'), 0, 0).left(kMaxDisplayNameLength);
}

} // namespace credentials

} // namespace vesper::backend
