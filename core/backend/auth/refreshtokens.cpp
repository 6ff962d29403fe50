#include "backend/auth/refreshtokens.h"
#include "backend/db/writegate.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/db/transaction.h"
#include "common/clock.h"
#include "common/logging.h"
#include "common/uuid.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

namespace vesper::backend {
namespace {
QString newSecret()
{
    // 32 bytes from the operating system's generator: unguessable, and only ever stored hashed.
    quint32 words[8];
    QRandomGenerator::system()->generate(std::begin(words), std::end(words));
    const QByteArray bytes(reinterpret_cast<const char *>(words), sizeof words);
    return QString::fromLatin1(bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

/// The child of parentToken: the same every time it is asked for, unguessable without the key.
QString successorOf(const QByteArray &key, const QString &parentToken)
{
    const QByteArray mac = QMessageAuthenticationCode::hash("refresh-successor:" + parentToken.toUtf8(), key, QCryptographicHash::Sha256);
    return QString::fromLatin1(mac.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

/// Inserts a token; a derived one already there (a tolerated replay) is left as it is.
IssuedRefreshToken insertToken(Database &database, const QSqlDatabase &db, const QString &userId, const QString &familyId,
                               const QString &parentHash, qint64 now, const QString &secret = QString())
{
    IssuedRefreshToken issued{secret.isEmpty() ? newSecret() : secret, familyId};
    SqlQuery insert(db, QStringLiteral("INSERT INTO refresh_tokens (token_hash, user_id, family_id, parent_hash, issued_at) "
                                       "VALUES (:hash, :user, :family, :parent, %1) ON CONFLICT (token_hash) DO NOTHING")
                            .arg(database.timeParam(QStringLiteral(":now"))));
    insert.bind(QStringLiteral(":hash"), RefreshTokenStore::hashToken(issued.token))
        .bind(QStringLiteral(":user"), userId)
        .bind(QStringLiteral(":family"), familyId)
        .bind(QStringLiteral(":parent"), parentHash.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(parentHash))
        .bind(QStringLiteral(":now"), now)
        .exec();
    return issued;
}
} // namespace

RefreshTokenStore::RefreshTokenStore(Database &database, int reuseSeconds, int idleDays, QByteArray successorKey)
    : m_database(database)
    , m_reuseMicros(qint64(reuseSeconds) * 1000000)
    , m_idleMicros(qint64(idleDays) * 86400 * 1000000)
    , m_successorKey(std::move(successorKey))
{
}

QString RefreshTokenStore::hashToken(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

IssuedRefreshToken RefreshTokenStore::issue(const QString &userId)
{
    const WriteGate gate(m_database); // a single autocommit write still queues with the others
    return insertToken(m_database, m_database.connection(), userId, newUuidV7(), QString(), nowMicros());
}

RefreshOutcome RefreshTokenStore::rotate(const QString &token)
{
    const QString hash = hashToken(token);
    QSqlDatabase db = m_database.connection();
    // SQLite's BEGIN IMMEDIATE already serialises writers; on PostgreSQL the row lock makes two
    // concurrent refreshes of one token take turns, so the second sees the first's used_at.
    Transaction tx(m_database, db, Transaction::WithoutRevs);
    SqlQuery find(db, QStringLiteral("SELECT user_id, family_id, %1, %2, %3 FROM refresh_tokens WHERE token_hash = :hash%4")
                          .arg(m_database.timeColumn(QStringLiteral("used_at")), m_database.timeColumn(QStringLiteral("revoked_at")),
                               m_database.timeColumn(QStringLiteral("issued_at")),
                               m_database.isSqlite() ? QString() : QStringLiteral(" FOR UPDATE")));
    find.bind(QStringLiteral(":hash"), hash).exec();
    RefreshOutcome outcome;
    if (!find.next())
        return outcome; // Unknown
    outcome.userId = find.text(0);
    const QString familyId = find.text(1);
    outcome.familyId = familyId;
    const bool used = !find.value(2).isNull();
    const qint64 usedAt = find.int64(2);
    const bool revoked = !find.value(3).isNull();
    const qint64 issuedAt = find.int64(4);
    const qint64 now = nowMicros();

    if (revoked) {
        outcome.status = RefreshOutcome::Status::Revoked;
        return outcome;
    }
    if (now - issuedAt >= m_idleMicros) {
        // Nobody refreshed this session within the idle limit: it has ended, reused or not.
        outcome.status = RefreshOutcome::Status::Expired;
        return outcome;
    }
    if (used && now - usedAt >= m_reuseMicros) {
        // A token used long ago came back: someone else holds a copy. End the whole session.
        SqlQuery revoke(db, QStringLiteral("UPDATE refresh_tokens SET revoked_at = %1 WHERE family_id = :family AND revoked_at IS NULL")
                                .arg(m_database.timeParam(QStringLiteral(":now"))));
        revoke.bind(QStringLiteral(":now"), now).bind(QStringLiteral(":family"), familyId).exec();
        tx.commit();
        qCWarning(lcAuth).noquote() << "refresh token reused after its reuse interval; session revoked for user" << outcome.userId;
        outcome.status = RefreshOutcome::Status::Reused;
        return outcome;
    }
    if (!used) {
        SqlQuery mark(db, QStringLiteral("UPDATE refresh_tokens SET used_at = %1 WHERE token_hash = :hash")
                              .arg(m_database.timeParam(QStringLiteral(":now"))));
        mark.bind(QStringLiteral(":now"), now).bind(QStringLiteral(":hash"), hash).exec();
    }
    // A tolerated reuse keeps the first use time, so the interval is counted from the real use, and
    // gets the successor the first use got (derived again, already stored).
    const QString successor = m_successorKey.isEmpty() ? QString() : successorOf(m_successorKey, token);
    outcome.issued = insertToken(m_database, db, outcome.userId, familyId, hash, now, successor);
    tx.commit();
    outcome.status = RefreshOutcome::Status::Rotated;
    return outcome;
}

int RefreshTokenStore::deleteExpired(qint64 nowMicros, int batchSize)
{
    const qint64 cutoff = nowMicros - m_idleMicros;
    QSqlDatabase db = m_database.connection();
    // Oldest first through refresh_tokens_issued; the subquery keeps each delete (and its write
    // lock) short on both dialects, which have no common DELETE ... LIMIT.
    const QString sql = QStringLiteral("DELETE FROM refresh_tokens WHERE token_hash IN (SELECT token_hash FROM refresh_tokens "
                                       "WHERE issued_at < %1 ORDER BY issued_at LIMIT :batch)")
                            .arg(m_database.timeParam(QStringLiteral(":cutoff")));
    int total = 0;
    for (;;) {
        Transaction tx(m_database, db, Transaction::WithoutRevs);
        SqlQuery remove(db, sql);
        remove.bind(QStringLiteral(":cutoff"), cutoff).bind(QStringLiteral(":batch"), batchSize).exec();
        const int deleted = remove.numRowsAffected();
        tx.commit();
        total += deleted;
        if (deleted < batchSize)
            return total;
    }
}

int RefreshTokenStore::revokeFamily(const QString &familyId, const QString &userId)
{
    const WriteGate gate(m_database);
    SqlQuery revoke(m_database.connection(),
                    QStringLiteral("UPDATE refresh_tokens SET revoked_at = %1 WHERE family_id = :family AND user_id = :user AND revoked_at IS NULL")
                        .arg(m_database.timeParam(QStringLiteral(":now"))));
    revoke.bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":family"), familyId).bind(QStringLiteral(":user"), userId).exec();
    return revoke.numRowsAffected();
}

int RefreshTokenStore::revokeUser(const QString &userId, const QString &exceptFamilyId)
{
    const WriteGate gate(m_database);
    SqlQuery revoke(m_database.connection(),
                    QStringLiteral("UPDATE refresh_tokens SET revoked_at = %1 WHERE user_id = :user AND revoked_at IS NULL "
                                   "AND family_id <> :except")
                        .arg(m_database.timeParam(QStringLiteral(":now"))));
    revoke.bind(QStringLiteral(":now"), nowMicros()).bind(QStringLiteral(":user"), userId).bind(QStringLiteral(":except"), exceptFamilyId).exec();
    return revoke.numRowsAffected();
}

} // namespace vesper::backend
