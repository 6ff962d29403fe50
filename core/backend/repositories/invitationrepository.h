#pragma once
// Invitations (DESIGN §3): adding a member stores an invitation addressed to an email or a user id
// as the owner typed it, whether or not such an account exists; the invitee sees it (list, bootstrap,
// feed kind "invitation") and accepts it, which makes the membership, or declines it. Nothing here
// tells the inviter whether the address belongs to anyone.
#include <QJsonArray>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

namespace vesper::backend {

class Database;

struct AcceptedInvitation {
    QString projectId;
    QString role;
};

class InvitationRepository {
public:
    explicit InvitationRepository(Database &database);

    /// The target text of an invitation by email (normalized) or by user id.
    static QString emailTarget(const QString &normalizedEmail);
    static QString userTarget(const QString &userId);

    /// Creates the invitation of `target` to the project, or refreshes its role; the owner's answer.
    QJsonObject invite(const QString &projectId, const QString &inviterId, const QString &target, const QString &role);
    /// The invitations waiting for the user (found by their id and their email), oldest first.
    QJsonArray listFor(const QString &userId);
    /// The project's unanswered invitations for its owner, oldest first: id, role, createdAt and
    /// whom — `email` as the owner typed it, or `userId` when invited by id (never whether an
    /// account answers to an address).
    QJsonArray listForProject(const QString &projectId);
    /// Accepts one of the user's invitations: the membership is made and every invitation of that
    /// project to the user goes, in one transaction. nullopt when it is not theirs or is gone.
    std::optional<AcceptedInvitation> accept(const QString &userId, const QString &invitationId);
    /// Declines one of the user's invitations; false when it is not theirs or is gone.
    bool decline(const QString &userId, const QString &invitationId);
    /// The owner withdraws an invitation of their project; false when there is none.
    bool withdraw(const QString &projectId, const QString &invitationId);
    /// Inside a member removal's transaction: the user's pending invitations to the project go too,
    /// so an old invitation cannot bring a removed member back.
    static void clearFor(Database &database, const QSqlDatabase &db, const QString &projectId, const QString &userId);

private:
    /// The targets that reach the user: their id and, when they have one, their email.
    static QStringList targetsOf(const QSqlDatabase &db, const QString &userId);
    /// The user an invitation's target reaches now, if any (for the invitee's tombstone).
    static QString userOfTarget(const QSqlDatabase &db, const QString &target);
    bool removeForInvitee(const QString &userId, const QString &invitationId, AcceptedInvitation *found, bool join);

    Database &m_database;
};

} // namespace vesper::backend
