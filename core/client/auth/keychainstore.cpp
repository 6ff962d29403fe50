#include "client/auth/keychainstore.h"
#include "client/clientlogging.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QSemaphore>
#include <QThread>
#include <memory>
#include <qt6keychain/keychain.h>

namespace vesper::client {
namespace {
enum Kind { Read, Write, Delete };
constexpr int kTimeoutMs = 15000;

/// The one thread QtKeychain's jobs (and its job queue) live on, with its own event loop.
class KeychainThread {
public:
    KeychainThread()
    {
        m_thread.setObjectName(QStringLiteral("vesper-keychain"));
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
    }
    ~KeychainThread()
    {
        QMetaObject::invokeMethod(m_context, [context = m_context] { delete context; }, Qt::QueuedConnection);
        m_thread.quit();
        m_thread.wait(5000);
    }
    static KeychainThread &instance()
    {
        static KeychainThread thread;
        return thread;
    }
    QObject *context() const { return m_context; }

private:
    QThread m_thread;
    QObject *m_context = nullptr;
};

struct Outcome {
    QSemaphore done;
    QKeychain::Error error = QKeychain::OtherError;
    QString errorString;
    QString secret;
};

QString unavailableSentence(QString detail)
{
    detail = detail.trimmed();
    while (detail.endsWith(QLatin1Char('.')))
        detail.chop(1);
    return QStringLiteral("No keychain is available on this system (%1), so you stay signed in only until Vesper exits.")
        .arg(detail.isEmpty() ? QStringLiteral("no Secret Service answered") : detail);
}

bool looksUnavailable(QKeychain::Error error, const QString &text)
{
    if (error == QKeychain::NoBackendAvailable || error == QKeychain::NotImplemented)
        return true;
    // libsecret and the D-Bus backends report a missing service as OtherError with a D-Bus message.
    return error == QKeychain::OtherError
           && (text.contains(QLatin1String("D-Bus"), Qt::CaseInsensitive) || text.contains(QLatin1String("DBus"), Qt::CaseInsensitive)
               || text.contains(QLatin1String("secret"), Qt::CaseInsensitive) || text.contains(QLatin1String("kwallet"), Qt::CaseInsensitive)
               || text.contains(QLatin1String("autolaunch"), Qt::CaseInsensitive));
}
} // namespace

KeychainStore::KeychainStore(QString service) : m_service(std::move(service)) {}

QString KeychainStore::accountKey(const QString &server, const QString &email)
{
    QString base = server;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    return base + QLatin1Char('|') + email.trimmed().toLower();
}

bool KeychainStore::available()
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_availability >= 0)
            return m_availability == 1;
    }
    // Looking up an entry that does not exist: anything but "not found" means no usable keychain.
    const Result probe = run(Read, QStringLiteral("vesper-keychain-probe"), QString());
    const bool usable = probe.status == Status::Ok || probe.status == Status::NotFound;
    QMutexLocker lock(&m_mutex);
    if (m_availability < 0 && !usable) {
        m_reason = unavailableSentence(probe.error);
        qCWarning(lcClientAuth).noquote() << m_reason;
    }
    if (m_availability < 0)
        m_availability = usable ? 1 : 0;
    return m_availability == 1;
}

QString KeychainStore::unavailableReason()
{
    if (available())
        return QString();
    QMutexLocker lock(&m_mutex);
    return m_reason;
}

KeychainStore::Result KeychainStore::read(const QString &key)
{
    return run(Read, key, QString());
}

KeychainStore::Result KeychainStore::write(const QString &key, const QString &secret)
{
    return run(Write, key, secret);
}

KeychainStore::Result KeychainStore::remove(const QString &key)
{
    Result result = run(Delete, key, QString());
    if (result.status == Status::NotFound)
        result.status = Status::Ok;
    return result;
}

KeychainStore::Result KeychainStore::run(int kind, const QString &key, const QString &secret)
{
    Result result;
    {
        QMutexLocker lock(&m_mutex);
        if (m_availability == 0) {
            result.status = Status::Unavailable;
            result.error = m_reason;
            return result;
        }
    }
    auto outcome = std::make_shared<Outcome>();
    const QString service = m_service;
    QMetaObject::invokeMethod(KeychainThread::instance().context(), [outcome, kind, key, secret, service] {
        QKeychain::Job *job = nullptr;
        if (kind == Read)
            job = new QKeychain::ReadPasswordJob(service);
        else if (kind == Write)
            job = new QKeychain::WritePasswordJob(service);
        else
            job = new QKeychain::DeletePasswordJob(service);
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plain-text file
        job->setKey(key);
        if (kind == Write)
            static_cast<QKeychain::WritePasswordJob *>(job)->setTextData(secret);
        QObject::connect(job, &QKeychain::Job::finished, job, [outcome, kind](QKeychain::Job *finished) {
            outcome->error = finished->error();
            outcome->errorString = finished->errorString();
            if (kind == Read && finished->error() == QKeychain::NoError)
                outcome->secret = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
            outcome->done.release();
        });
        job->start();
    }, Qt::QueuedConnection);
    if (!outcome->done.tryAcquire(1, kTimeoutMs)) {
        result.error = QStringLiteral("the keychain did not answer within %1 seconds").arg(kTimeoutMs / 1000);
        return result;
    }
    switch (outcome->error) {
    case QKeychain::NoError:
        result.status = Status::Ok;
        result.secret = outcome->secret;
        return result;
    case QKeychain::EntryNotFound:
        result.status = Status::NotFound;
        return result;
    default:
        break;
    }
    result.error = outcome->errorString;
    if (looksUnavailable(outcome->error, outcome->errorString)) {
        result.status = Status::Unavailable;
        QMutexLocker lock(&m_mutex);
        m_availability = 0;
        m_reason = unavailableSentence(outcome->errorString);
        qCWarning(lcClientAuth).noquote() << m_reason;
    } else {
        qCWarning(lcClientAuth).noquote() << "keychain error:" << outcome->errorString;
    }
    return result;
}

} // namespace vesper::client
