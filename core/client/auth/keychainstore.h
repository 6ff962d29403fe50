#pragma once
// The OS keychain through QtKeychain, blocking: the refresh token is stored here and nowhere else.
// QtKeychain's jobs are asynchronous QObjects; they all run on one process-wide thread with an event
// loop, so callers on any worker thread simply wait. When no keychain answers (no Secret Service),
// unavailableReason() says so in one sentence and nothing is written anywhere.
#include <QMutex>
#include <QString>

namespace vesper::client {

class KeychainStore {
public:
    /// service names the entries ("vesper"; tests use their own).
    explicit KeychainStore(QString service = QStringLiteral("vesper"));

    enum class Status { Ok, NotFound, Unavailable, Failed };
    struct Result {
        Status status = Status::Failed;
        QString secret;
        QString error;
        bool ok() const { return status == Status::Ok; }
    };

    /// Whether a keychain answers (asked once, by looking up an entry that does not exist).
    bool available();
    /// Empty while available; else one sentence for the user.
    QString unavailableReason();

    Result read(const QString &key);
    Result write(const QString &key, const QString &secret);
    /// Ok also when there was nothing to remove.
    Result remove(const QString &key);

    /// The entry name for an account: "<server>|<email>".
    static QString accountKey(const QString &server, const QString &email);

private:
    Result run(int kind, const QString &key, const QString &secret);

    QString m_service;
    QMutex m_mutex; // guards the two below
    int m_availability = -1; // -1 unknown, 0 no, 1 yes
    QString m_reason;
};

} // namespace vesper::client
