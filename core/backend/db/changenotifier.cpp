#include "backend/db/changenotifier.h"
#include "common/logging.h"

#include <QList>
#include <QThread>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

namespace vesper::backend {
namespace {
/// libpq keyword=value connection text from the parsed URL (values quoted as libpq wants).
QByteArray connInfo(const DbConfig &config)
{
    auto quoted = [](const QString &value) -> QString {
        QString v = value;
        v.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
        return QLatin1Char('\'') + v + QLatin1Char('\'');
    };
    QStringList parts{QStringLiteral("host=") + quoted(config.host), QStringLiteral("port=%1").arg(config.port),
                      QStringLiteral("dbname=") + quoted(config.database), QStringLiteral("connect_timeout=5"),
                      QStringLiteral("application_name='vesper-listen'")};
    if (!config.user.isEmpty())
        parts << QStringLiteral("user=") + quoted(config.user);
    if (!config.password.isEmpty())
        parts << QStringLiteral("password=") + quoted(config.password);
    for (const QString &option : config.options.split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype eq = option.indexOf(QLatin1Char('='));
        if (eq > 0)
            parts << option.left(eq) + QLatin1Char('=') + quoted(option.mid(eq + 1));
    }
    return parts.join(QLatin1Char(' ')).toUtf8();
}
} // namespace

ChangeNotifier::ChangeNotifier(DbConfig config)
    : m_config(std::move(config))
{
}

ChangeNotifier::~ChangeNotifier()
{
    stopListening();
}

void ChangeNotifier::startListening()
{
    if (!viaDatabase() || m_listener.joinable())
        return;
    if (::pipe2(m_wakePipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;
    m_stopping = false;
    m_listener = std::thread([this] { listenLoop(); });
}

void ChangeNotifier::stopListening()
{
    if (!m_listener.joinable())
        return;
    m_stopping = true;
    const char byte = 1;
    [[maybe_unused]] const ssize_t ignored = ::write(m_wakePipe[1], &byte, 1);
    m_listener.join();
    ::close(m_wakePipe[0]);
    ::close(m_wakePipe[1]);
    m_wakePipe[0] = m_wakePipe[1] = -1;
}

void ChangeNotifier::committed(qint64 rev)
{
    QList<ChangesListener> listeners;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &entry : std::as_const(m_listeners))
            listeners << entry.first;
    }
    for (const ChangesListener &listener : listeners)
        listener(rev);
}

void ChangeNotifier::progressed(const ProgressTick &tick)
{
    QList<ProgressListener> listeners;
    {
        std::lock_guard lock(m_mutex);
        for (const auto &entry : std::as_const(m_listeners))
            listeners << entry.second;
    }
    for (const ProgressListener &listener : listeners) {
        if (listener)
            listener(tick);
    }
}

int ChangeNotifier::subscribe(ChangesListener onChanges, ProgressListener onProgress)
{
    std::lock_guard lock(m_mutex);
    const int id = m_nextId++;
    m_listeners.insert(id, {std::move(onChanges), std::move(onProgress)});
    return id;
}

void ChangeNotifier::unsubscribe(int id)
{
    std::lock_guard lock(m_mutex);
    m_listeners.remove(id);
}

int ChangeNotifier::subscribeAuth(AuthListener onEnded)
{
    std::lock_guard lock(m_mutex);
    const int id = m_nextId++;
    m_authListeners.insert(id, std::move(onEnded));
    return id;
}

void ChangeNotifier::unsubscribeAuth(int id)
{
    std::lock_guard lock(m_mutex);
    m_authListeners.remove(id);
}

void ChangeNotifier::authEnded(const AuthEnded &ended)
{
    QList<AuthListener> listeners;
    {
        std::lock_guard lock(m_mutex);
        listeners = m_authListeners.values();
    }
    for (const AuthListener &listener : listeners)
        listener(ended);
}

QByteArray ChangeNotifier::encodeAuth(const AuthEnded &ended)
{
    const char *kind = ended.kind == AuthEnded::Kind::Session ? "session " : ended.kind == AuthEnded::Kind::User ? "user " : "unknown ";
    return kind + ended.id.toUtf8();
}

bool ChangeNotifier::decodeAuth(const QByteArray &payload, AuthEnded *ended)
{
    const qsizetype space = payload.indexOf(' ');
    if (space <= 0 || space + 1 >= payload.size())
        return false;
    const QByteArray kind = payload.left(space);
    if (kind == "session")
        ended->kind = AuthEnded::Kind::Session;
    else if (kind == "user")
        ended->kind = AuthEnded::Kind::User;
    else
        return false;
    ended->id = QString::fromUtf8(payload.mid(space + 1));
    return true;
}

QByteArray ChangeNotifier::encodeProgress(const ProgressTick &tick)
{
    return tick.userId.toUtf8() + ' ' + tick.generationId.toUtf8() + ' ' + QByteArray::number(tick.progress) + ' '
           + (tick.estimate ? "1" : "0");
}

bool ChangeNotifier::decodeProgress(const QByteArray &payload, ProgressTick *tick)
{
    const QList<QByteArray> parts = payload.split(' ');
    if (parts.size() != 4)
        return false;
    bool ok = false;
    tick->userId = QString::fromUtf8(parts[0]);
    tick->generationId = QString::fromUtf8(parts[1]);
    tick->progress = parts[2].toInt(&ok);
    tick->estimate = parts[3] == "1";
    return ok;
}

void ChangeNotifier::listenLoop()
{
    const QByteArray info = connInfo(m_config);
    int backoffMs = 200;
    while (!m_stopping) {
        PGconn *conn = PQconnectdb(info.constData());
        bool ok = PQstatus(conn) == CONNECTION_OK;
        for (const char *channel : {kChangesChannel, kProgressChannel, kAuthChannel}) {
            if (!ok)
                break;
            PGresult *result = PQexec(conn, QByteArray("LISTEN ").append(channel).constData());
            ok = PQresultStatus(result) == PGRES_COMMAND_OK;
            PQclear(result);
        }
        if (!ok) {
            qCWarning(lcDb) << "change notifications: cannot listen:" << PQerrorMessage(conn);
            PQfinish(conn);
            for (int waited = 0; waited < backoffMs && !m_stopping; waited += 50)
                QThread::msleep(50);
            backoffMs = std::min(backoffMs * 2, 5000);
            continue;
        }
        backoffMs = 200;
        committed(0); // (re)connected: anything committed meanwhile was not announced
        authEnded(AuthEnded{}); // nor any session ended meanwhile: the caches check again
        while (!m_stopping) {
            pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {m_wakePipe[0], POLLIN, 0}};
            if (::poll(fds, 2, 30000) < 0 && errno != EINTR)
                break;
            if (m_stopping)
                break;
            if (!PQconsumeInput(conn) || PQstatus(conn) != CONNECTION_OK) {
                qCWarning(lcDb) << "change notifications: connection lost, reconnecting:" << PQerrorMessage(conn);
                break;
            }
            while (PGnotify *notify = PQnotifies(conn)) {
                const QByteArray channel(notify->relname);
                const QByteArray payload(notify->extra ? notify->extra : "");
                PQfreemem(notify);
                if (channel == kChangesChannel) {
                    committed(payload.toLongLong());
                } else if (channel == kProgressChannel) {
                    ProgressTick tick;
                    if (decodeProgress(payload, &tick))
                        progressed(tick);
                } else if (channel == kAuthChannel) {
                    AuthEnded ended;
                    if (decodeAuth(payload, &ended))
                        authEnded(ended);
                }
            }
        }
        PQfinish(conn);
    }
}

} // namespace vesper::backend
